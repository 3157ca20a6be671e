package dev.serveragent.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.config.AppConfig;
import dev.serveragent.config.ClaudeCodeConfig;
import dev.serveragent.config.ConfigException;
import dev.serveragent.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaudeCodeConfigTest {
    private static ClaudeCodeConfig config(Map<String, String> env) {
        return AppConfig.from(new Settings(env)).claudeCode();
    }

    @Test
    void nothing_set_gives_safe_defaults() {
        ClaudeCodeConfig c = config(Map.of());
        assertThat(c.bin()).isEqualTo("claude");
        assertThat(c.model()).isEmpty();
        assertThat(c.maxTurns()).isEqualTo(30);
        assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.maxRetries()).isEqualTo(2);
        assertThat(c.allowedToolsQuestion()).containsExactly("Read", "Glob", "Grep");
        assertThat(c.allowedToolsCommand()).contains("Bash", "Edit", "Write");
        assertThat(c.allowedToolsProactive()).isEqualTo(c.allowedToolsCommand());
        assertThat(c.deny()).contains("Bash(rm -rf:*)", "Bash(sudo:*)", "Bash(git push --force:*)");
        assertThat(c.toolingIndexMaxChars()).isEqualTo(6000);
        assertThat(c.workdir()).isEqualTo(Path.of("data").toAbsolutePath().resolve("workspace"));
    }

    @Test
    void tool_lists_split_on_commas_outside_parentheses() {
        ClaudeCodeConfig c = config(Map.of(
                "CLAUDE_CODE_ALLOWED_TOOLS_COMMAND", " Read, Bash(git log:*) ,Bash(echo a,b:*),mcp__github__search ",
                "CLAUDE_CODE_DENY", "none",
                "CLAUDE_CODE_MODEL", "opus", "CLAUDE_CODE_MAX_TURNS", "12", "CLAUDE_CODE_TIMEOUT_SECONDS", "600",
                "CLAUDE_CODE_MAX_RETRIES", "0", "TOOLING_INDEX_MAX_CHARS", "2000", "CLAUDE_CODE_WORKDIR", "ws"));
        assertThat(c.allowedToolsCommand()).containsExactly("Read", "Bash(git log:*)", "Bash(echo a,b:*)", "mcp__github__search");
        assertThat(c.deny()).isEmpty();
        assertThat(c.model()).contains("opus");
        assertThat(c.maxTurns()).isEqualTo(12);
        assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.maxRetries()).isZero();
        assertThat(c.toolingIndexMaxChars()).isEqualTo(2000);
        assertThat(c.workdir()).isEqualTo(Path.of("ws").toAbsolutePath());
    }

    @Test
    void bad_values_name_the_variable() {
        assertThatThrownBy(() -> config(Map.of("CLAUDE_CODE_DENY", "Bash(rm -rf:*), --dangerously-skip-permissions")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("CLAUDE_CODE_DENY")
                .hasMessageContaining("--dangerously-skip-permissions");
        assertThatThrownBy(() -> config(Map.of("CLAUDE_CODE_ALLOWED_TOOLS_QUESTION", "Read Write")))
                .hasMessageContaining("CLAUDE_CODE_ALLOWED_TOOLS_QUESTION");
        assertThatThrownBy(() -> config(Map.of("CLAUDE_CODE_MAX_TURNS", "0"))).hasMessageContaining("CLAUDE_CODE_MAX_TURNS");
        assertThatThrownBy(() -> config(Map.of("CLAUDE_CODE_TIMEOUT_SECONDS", "soon"))).hasMessageContaining("CLAUDE_CODE_TIMEOUT_SECONDS");
        assertThatThrownBy(() -> config(Map.of("TOOLING_INDEX_MAX_CHARS", "100"))).hasMessageContaining("TOOLING_INDEX_MAX_CHARS");
        assertThatThrownBy(() -> config(Map.of("CLAUDE_CODE_MAX_RETRIES", "-1"))).hasMessageContaining("CLAUDE_CODE_MAX_RETRIES");
    }

    @Test
    void the_workdir_is_created_by_the_first_run_not_by_configuration(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        RunnerFixture f = new RunnerFixture(dir);
        ClaudeCodeRunner runner = f.runner("echo");
        assertThat(f.workdir).doesNotExist();

        runner.start(f.request(runner, "hi", ClaudeRequest.Mode.QUESTION)).await();

        assertThat(f.workdir).isDirectory();
    }
}
