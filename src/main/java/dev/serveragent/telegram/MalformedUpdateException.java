package dev.serveragent.telegram;

import dev.serveragent.runtime.ServerAgentException;

/** A webhook body or polled update that is not a Telegram update; nothing of it is stored. */
public final class MalformedUpdateException extends ServerAgentException {
    public MalformedUpdateException(String message) {
        super(message);
    }
}
