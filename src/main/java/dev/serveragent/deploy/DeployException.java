package dev.serveragent.deploy;

import dev.serveragent.runtime.ServerAgentException;

/** A deploy step failed; the message says which step and why, in words fit for the Master. */
public class DeployException extends ServerAgentException {
    public DeployException(String message) {
        super(message);
    }

    public DeployException(String message, Throwable cause) {
        super(message, cause);
    }
}
