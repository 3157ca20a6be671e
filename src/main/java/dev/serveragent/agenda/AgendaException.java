package dev.serveragent.agenda;

import dev.serveragent.runtime.ServerAgentException;

/**
 * A request to the agenda that was refused, with words fit for the caller (a model calling a
 * tool, or the Master typing a command). Nothing was written when it is thrown.
 */
public class AgendaException extends ServerAgentException {
    /** Why: bad arguments, no such item (for this caller), or not allowed in the caller's mode. */
    public enum Reason { INVALID, NOT_FOUND, NOT_ALLOWED }

    private final Reason reason;

    public AgendaException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static AgendaException invalid(String message) {
        return new AgendaException(Reason.INVALID, message);
    }

    static AgendaException notFound(String message) {
        return new AgendaException(Reason.NOT_FOUND, message);
    }

    static AgendaException notAllowed(String message) {
        return new AgendaException(Reason.NOT_ALLOWED, message);
    }
}
