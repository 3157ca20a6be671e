package dev.serveragent.store;

import dev.serveragent.runtime.ServerAgentException;

/** Postgres cannot be reached or started. The message says what to do about it. */
public final class DatabaseUnavailableException extends ServerAgentException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
