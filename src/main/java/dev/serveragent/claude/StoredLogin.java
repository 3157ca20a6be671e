package dev.serveragent.claude;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether the {@code claude} CLI is already logged in with its own stored credentials (a
 * Claude subscription login made with {@code claude} or {@code claude auth login}): then the
 * agent can classify and answer through it with no token in its own configuration. On Linux the
 * CLI keeps that login in {@code $CLAUDE_CONFIG_DIR/.credentials.json}, by default
 * {@code ~/.claude/.credentials.json}. Only the file's presence is checked, never its content.
 */
public final class StoredLogin {
    static final String FILE = ".credentials.json";

    private StoredLogin() {}

    /** The credentials file when the CLI ({@code bin}, looked up on {@code path}) is installed and one is there. */
    public static Optional<Path> detect(String bin, String path, Optional<Path> configDir) {
        if (configDir.isEmpty() || ClaudeCodeRunner.resolve(bin, path).isEmpty()) {
            return Optional.empty();
        }
        Path file = configDir.get().resolve(FILE);
        try {
            return Files.isRegularFile(file) && Files.size(file) > 2 ? Optional.of(file) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
