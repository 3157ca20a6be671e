package dev.serveragent.config;

import dev.serveragent.runtime.ServerAgentException;

/** Bad configuration. The message names the variable or file and never contains a secret value. */
public final class ConfigException extends ServerAgentException {
    public ConfigException(String message) {
        super(message);
    }
}
