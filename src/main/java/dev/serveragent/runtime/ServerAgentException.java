package dev.serveragent.runtime;

/**
 * Root of every exception server-agent throws on purpose. Subclasses carry the ids they are
 * about (chat, job, approval) so that edges (Telegram, HTTP, CLI) can turn them into clean words.
 */
public class ServerAgentException extends RuntimeException {
    public ServerAgentException(String message) {
        super(message);
    }

    public ServerAgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
