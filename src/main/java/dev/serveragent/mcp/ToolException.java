package dev.serveragent.mcp;

import dev.serveragent.runtime.ServerAgentException;

/** A tool call that cannot be done; the message is returned to the model as the tool's error. */
public class ToolException extends ServerAgentException {
    public ToolException(String message) {
        super(message);
    }
}
