package dev.serveragent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.claude.ClaudeResult.Completed;
import dev.serveragent.claude.ClaudeResult.Failed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner against the real Claude Code CLI and a local fake Messages API: proves the CLI
 * accepts our exact argv and environment and that we parse what it really writes. Opt-in, as the
 * CLI is not a build dependency: {@code npm install @anthropic-ai/claude-code} into a directory
 * and run with {@code CLAUDE_CODE_REAL_BIN=<dir>/node_modules/.bin/claude}.
 */
@EnabledIfEnvironmentVariable(named = "CLAUDE_CODE_REAL_BIN", matches = ".+")
class RealClaudeCliTest {
    @TempDir
    Path dir;
    RunnerFixture f;
    FakeMessagesApi api;

    @BeforeEach
    void setUp() throws Exception {
        f = new RunnerFixture(dir);
        api = new FakeMessagesApi();
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    private ClaudeCodeRunner runner(Map<String, String> settings) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("CLAUDE_CODE_BIN", System.getenv("CLAUDE_CODE_REAL_BIN"),
                "ANTHROPIC_BASE_URL", api.baseUrl(), "CLAUDE_CODE_MAX_RETRIES", "0"));
        all.putAll(settings);
        Path home = Files.createDirectories(dir.resolve("home")); // keep the CLI's state out of the real $HOME
        return f.runner(all, Map.of("PATH", System.getenv("PATH"), "HOME", home.toString()));
    }

    @Test
    void a_command_run_with_the_full_guardrails_completes_over_the_oauth_token() throws Exception {
        ClaudeCodeRunner runner = runner(Map.of("ANTHROPIC_API_KEY", "sk-also-set"));
        PromptPack pack = PromptPack.from(runner.config());

        ClaudeResult r = runner.start(runner.request("Say pong.", pack.systemPrompt(ClaudeRequest.Mode.COMMAND),
                ClaudeRequest.Mode.COMMAND).withOnEvent(f.events::add)).await(Duration.ofSeconds(60)).orElseThrow();

        assertThat(r).isInstanceOfSatisfying(Completed.class, c -> {
            assertThat(c.text()).isEqualTo(FakeMessagesApi.ANSWER);
            assertThat(c.sessionId()).isPresent();
            assertThat(c.turns()).isEqualTo(1);
        });
        assertThat(r.usage().totalTokens()).isGreaterThanOrEqualTo(4201);
        assertThat(f.events(ClaudeEvent.Init.class)).hasSize(1);
        assertThat(api.seen).filteredOn(s -> s.path().startsWith("/v1/messages")).isNotEmpty()
                .allSatisfy(s -> {
                    assertThat(s.authorization()).isEqualTo("Bearer oat-test-token-123");
                    assertThat(s.apiKey()).isNull();
                });
    }

    @Test
    void a_rejected_credential_ends_quickly_as_an_error_result() throws Exception {
        ClaudeCodeRunner runner = runner(Map.of("CLAUDE_CODE_OAUTH_TOKEN", "", "ANTHROPIC_API_KEY", "bad"));

        ClaudeResult r = runner.start(runner.request("hi", "", ClaudeRequest.Mode.QUESTION)).await(Duration.ofSeconds(60)).orElseThrow();

        assertThat(r).isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.kind()).isEqualTo(ClaudeResult.Kind.ERROR_RESULT));
        assertThat(api.seen).extracting(FakeMessagesApi.Seen::apiKey).contains("bad");
    }

    @Test
    void a_classification_run_has_no_tools() throws Exception {
        ClaudeCodeRunner runner = runner(Map.of());

        ClaudeResult r = runner.start(runner.request("classify", "JSON only", ClaudeRequest.Mode.CLASSIFY)
                .withOnEvent(f.events::add)).await(Duration.ofSeconds(60)).orElseThrow();

        assertThat(r).isInstanceOf(Completed.class);
        assertThat(f.events(ClaudeEvent.Init.class)).hasSize(1);
    }

    @Test
    void bash_runs_in_the_workdir_for_a_command_but_the_deny_list_and_question_mode_refuse_it() throws Exception {
        ClaudeCodeRunner runner = runner(Map.of());
        Files.createDirectories(f.workdir.resolve("victim"));

        ClaudeResult made = runner.start(runner.request("RUN_BASH:touch created-by-bash.txt", "", ClaudeRequest.Mode.COMMAND))
                .await(Duration.ofSeconds(60)).orElseThrow();
        assertThat(made).isInstanceOf(Completed.class);
        assertThat(f.workdir.resolve("created-by-bash.txt")).exists();
        assertThat(api.toolResults.getLast().path("is_error").asBoolean(false)).isFalse();

        runner.start(runner.request("RUN_BASH:rm -rf victim", "", ClaudeRequest.Mode.COMMAND)).await(Duration.ofSeconds(60)).orElseThrow();
        assertThat(f.workdir.resolve("victim")).isDirectory();
        assertThat(api.toolResults.getLast().path("is_error").asBoolean()).isTrue();

        runner.start(runner.request("RUN_BASH:touch from-a-question.txt", "", ClaudeRequest.Mode.QUESTION)).await(Duration.ofSeconds(60)).orElseThrow();
        assertThat(f.workdir.resolve("from-a-question.txt")).doesNotExist();
        assertThat(api.toolResults.getLast().path("is_error").asBoolean()).isTrue();
        assertThat(api.toolResults).hasSize(3);
        assertThat(api.toolResults.get(1).path("content").asText()).contains("rm -rf victim has been denied");
        assertThat(api.toolResults.get(2).path("content").asText()).contains("don't ask mode");
    }
}
