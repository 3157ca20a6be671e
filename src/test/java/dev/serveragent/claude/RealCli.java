package dev.serveragent.claude;

import dev.serveragent.config.AppConfig;
import dev.serveragent.config.Settings;
import dev.serveragent.mcp.AgentToolServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The real Claude Code CLI ({@code CLAUDE_CODE_REAL_BIN}, installed by {@code .ci/run}) as the agent
 * runs it, against a {@link FakeMessagesApi}, with the agent's tool server: the setup the real-CLI
 * tests share.
 */
final class RealCli {
    private RealCli() {}

    /** A runner of the real CLI with {@code dir} for its data and home, {@code workdir} as the runs' working directory. */
    static ClaudeCodeRunner runner(Path dir, Path workdir, FakeMessagesApi api, AgentToolServer tools) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        AppConfig c = AppConfig.from(new Settings(Map.of("CLAUDE_CODE_BIN", System.getenv("CLAUDE_CODE_REAL_BIN"),
                "ANTHROPIC_BASE_URL", api.baseUrl(), "CLAUDE_CODE_MAX_RETRIES", "0", "DATA_DIR", dir.toString(),
                "CLAUDE_CODE_WORKDIR", workdir.toString(), "CLAUDE_CODE_OAUTH_TOKEN", "oat-test-token-123")));
        return new ClaudeCodeRunner(c.claudeCode(), c.anthropic(), Map.of("PATH", System.getenv("PATH"), "HOME", home.toString()),
                Optional.of(tools));
    }
}
