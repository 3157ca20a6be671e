package dev.serveragent.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The Claude Code CLI. An OAuth token (subscription) is passed to the CLI instead of the API
 * key, which the CLI would otherwise prefer.
 */
public record ClaudeCodeConfig(String bin, Optional<Secret> oauthToken, Path workdir) {
    public static final String DEFAULT_BIN = "claude";

    static ClaudeCodeConfig from(Settings s, Path dataDir) {
        return new ClaudeCodeConfig(
                s.string("CLAUDE_CODE_BIN", DEFAULT_BIN),
                s.secret("CLAUDE_CODE_OAUTH_TOKEN"),
                s.path("CLAUDE_CODE_WORKDIR", dataDir.resolve("workspace")));
    }
}
