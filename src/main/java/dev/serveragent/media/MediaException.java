package dev.serveragent.media;

import dev.serveragent.runtime.ServerAgentException;

/** Producing an artifact failed (download, transcription, vision); the message says why, without secrets. */
public class MediaException extends ServerAgentException {
    public MediaException(String message) {
        super(message);
    }

    public MediaException(String message, Throwable cause) {
        super(message, cause);
    }
}
