package dev.serveragent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.claude.ClaudeResult.Completed;
import dev.serveragent.claude.ClaudeResult.Failed;
import dev.serveragent.claude.ClaudeResult.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClaudeCodeRunnerTest {
    @TempDir
    Path dir;
    RunnerFixture f;

    @BeforeEach
    void setUp() {
        f = new RunnerFixture(dir);
    }

    @Test
    void a_command_run_passes_the_documented_flags_and_the_prompt_on_stdin_in_the_workdir() throws Exception {
        ClaudeCodeRunner runner = f.runner(Map.of("CLAUDE_CODE_MODEL", "claude-sonnet-4-5", "CLAUDE_CODE_MAX_TURNS", "7"),
                f.fake.env("success-tool-use"));
        assertThat(f.workdir).doesNotExist();

        ClaudeResult r = runner.start(f.request(runner, "LIST the txt files\nsecond line", ClaudeRequest.Mode.COMMAND)
                .withResume("1877db7c-0ebe-4fcd-b405-e2022d3e59c7")).await();

        assertThat(r).isInstanceOf(Completed.class);
        FakeClaude.Run run = f.fake.lastRun();
        assertThat(run.argv()).startsWith("-p", "--output-format", "stream-json", "--verbose", "--permission-mode", "dontAsk",
                "--model", "claude-sonnet-4-5", "--max-turns", "7", "--append-system-prompt", "SYSTEM PROMPT",
                "--resume", "1877db7c-0ebe-4fcd-b405-e2022d3e59c7", "--allowedTools");
        assertThat(run.values("--allowedTools")).containsExactlyElementsOf(runner.config().allowedToolsCommand()).contains("Bash", "Edit");
        assertThat(run.values("--disallowedTools")).contains("Bash(rm -rf:*)", "Bash(git push --force:*)", "Bash(sudo:*)");
        assertThat(run.stdin()).isEqualTo("LIST the txt files\nsecond line");
        assertThat(run.cwd()).isEqualTo(f.workdir.toRealPath());
    }

    @Test
    void a_successful_run_yields_typed_events_final_text_session_turns_cost_and_usage() throws Exception {
        ClaudeCodeRunner runner = f.runner("success-tool-use");

        ClaudeResult r = runner.start(f.request(runner, "LIST", ClaudeRequest.Mode.COMMAND).withResume("sess-42")).await();

        Completed c = (Completed) r;
        assertThat(c.text()).isEqualTo("Done: there is one file.");
        assertThat(c.sessionId()).contains("sess-42");
        assertThat(c.turns()).isEqualTo(2);
        assertThat(c.costUsd()).isEqualTo(0.0108, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.usage()).isEqualTo(new Usage(2000, 100, 400, 6000));
        assertThat(f.events(ClaudeEvent.Init.class)).singleElement()
                .satisfies(i -> assertThat(i.sessionId()).isEqualTo("sess-42"))
                .satisfies(i -> assertThat(i.model()).contains("claude-sonnet-4-5"));
        assertThat(f.events(ClaudeEvent.AssistantText.class)).extracting(ClaudeEvent.AssistantText::text)
                .containsExactly("Let me look.", "Done: there is one file.");
        ClaudeEvent.ToolUse tool = f.events(ClaudeEvent.ToolUse.class).getFirst();
        assertThat(tool.toolName()).isEqualTo("Glob");
        assertThat(tool.inputJson()).isEqualTo("{\"pattern\":\"*.txt\"}");
        // the tool_use line repeats message msg_1's usage: counted once, not twice
        assertThat(tool.usageSoFar()).isEqualTo(new Usage(1000, 1, 200, 3000));
        assertThat(f.events(ClaudeEvent.AssistantText.class).getLast().usageSoFar()).isEqualTo(new Usage(2000, 2, 400, 6000));
        assertThat(f.events(ClaudeEvent.ToolResult.class)).containsExactly(new ClaudeEvent.ToolResult("toolu_1", false));
        assertThat(f.events.getLast()).isInstanceOf(ClaudeEvent.Result.class);
    }

    @Test
    void the_child_gets_the_oauth_token_only_and_none_of_our_other_secrets() throws Exception {
        Map<String, String> parent = new HashMap<>(f.fake.env("echo"));
        parent.putAll(Map.of("TELEGRAM_BOT_TOKEN", "tg-secret", "DATABASE_URL", "postgres://u:pw@h/db",
                "HAIKU_API_KEY", "haiku-secret", "ADMIN_TOKEN", "admin-secret", "MINIO_SECRET_KEY", "minio-secret",
                "ANTHROPIC_API_KEY", "sk-parent", "GITHUB_TOKEN", "gh-secret", "LANG", "C.UTF-8",
                "CLAUDE_CODE_DENY", "Bash(x:*)"));
        ClaudeCodeRunner runner = f.runner(Map.of("ANTHROPIC_API_KEY", "sk-config", "ANTHROPIC_BASE_URL", "http://127.0.0.1:9999",
                "CLAUDE_CODE_MAX_RETRIES", "1"), parent);

        assertThat(runner.start(f.request(runner, "hi", ClaudeRequest.Mode.QUESTION)).await()).isInstanceOf(Completed.class);

        Map<String, String> env = f.fake.lastRun().env();
        assertThat(env).containsEntry("CLAUDE_CODE_OAUTH_TOKEN", "oat-test-token-123")
                .containsEntry("ANTHROPIC_BASE_URL", "http://127.0.0.1:9999")
                .containsEntry("CLAUDE_CODE_MAX_RETRIES", "1")
                .containsEntry("DISABLE_AUTOUPDATER", "1")
                .containsEntry("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
                .containsEntry("LANG", "C.UTF-8")
                .containsKeys("PATH", "HOME")
                .doesNotContainKeys("ANTHROPIC_API_KEY", "TELEGRAM_BOT_TOKEN", "DATABASE_URL", "HAIKU_API_KEY",
                        "ADMIN_TOKEN", "MINIO_SECRET_KEY", "GITHUB_TOKEN", "CLAUDE_CODE_DENY");
    }

    @Test
    void without_an_oauth_token_the_configured_api_key_is_passed() throws Exception {
        Map<String, String> parent = new HashMap<>(f.fake.env("echo"));
        parent.put("ANTHROPIC_API_KEY", "sk-parent");
        ClaudeCodeRunner runner = f.runner(Map.of("CLAUDE_CODE_OAUTH_TOKEN", "", "ANTHROPIC_API_KEY", "sk-config"), parent);

        runner.start(f.request(runner, "hi", ClaudeRequest.Mode.QUESTION)).await();

        assertThat(f.fake.lastRun().env()).containsEntry("ANTHROPIC_API_KEY", "sk-config")
                .containsEntry("ANTHROPIC_BASE_URL", "https://api.anthropic.com")
                .doesNotContainKey("CLAUDE_CODE_OAUTH_TOKEN");
    }

    @Test
    void a_question_gets_read_only_tools_and_a_classification_gets_none() throws Exception {
        ClaudeCodeRunner runner = f.runner("echo");

        runner.start(f.request(runner, "q", ClaudeRequest.Mode.QUESTION)).await();
        assertThat(f.fake.lastRun().values("--allowedTools")).containsExactly("Read", "Glob", "Grep");
        assertThat(f.fake.lastRun().argv()).doesNotContain("--tools");

        runner.start(f.request(runner, "c", ClaudeRequest.Mode.CLASSIFY)).await();
        assertThat(f.fake.lastRun().argv()).doesNotContain("--allowedTools").containsSubsequence("--tools", "");
        assertThat(f.fake.lastRun().values("--disallowedTools")).contains("Bash(rm -rf:*)");
    }

    @Test
    void the_echo_scenario_answers_with_parts_of_the_prompt() throws Exception {
        ClaudeCodeRunner runner = f.runner("echo");

        Completed c = (Completed) runner.start(f.request(runner, "first words " + "x".repeat(1000) + " last words",
                ClaudeRequest.Mode.QUESTION)).await();

        assertThat(c.text()).startsWith("ECHO chars=1023 | head: first words").endsWith("last words");
        assertThat(f.events(ClaudeEvent.AssistantText.class).getFirst().text()).isEqualTo("ECHO system: SYSTEM PROMPT");
    }

    @Test
    void an_is_error_result_with_subtype_success_is_a_failure_carrying_the_api_error() throws Exception {
        ClaudeCodeRunner runner = f.runner("is-error");

        Failed r = (Failed) runner.start(f.request(runner, "hi", ClaudeRequest.Mode.QUESTION)).await();

        assertThat(r.kind()).isEqualTo(Kind.ERROR_RESULT);
        assertThat(r.message()).contains("API Error: Unable to connect to API (ConnectionRefused)");
        assertThat(r.sessionId()).isPresent();
        assertThat(r.usage()).isEqualTo(Usage.ZERO);
    }

    @Test
    void hitting_max_turns_is_an_error_result_with_the_usage_spent() throws Exception {
        ClaudeCodeRunner runner = f.runner("max-turns");

        Failed r = (Failed) runner.start(f.request(runner, "hi", ClaudeRequest.Mode.COMMAND)).await();

        assertThat(r.kind()).isEqualTo(Kind.ERROR_RESULT);
        assertThat(r.message()).contains("turn limit");
        assertThat(r.usage()).isEqualTo(new Usage(1000, 50, 200, 3000));
    }

    @Test
    void a_crash_mid_stream_is_reported_with_exit_code_stderr_and_usage_so_far() throws Exception {
        ClaudeCodeRunner runner = f.runner("crash-mid-stream");

        Failed r = (Failed) runner.start(f.request(runner, "hi", ClaudeRequest.Mode.COMMAND)).await();

        assertThat(r.kind()).isEqualTo(Kind.CRASHED);
        assertThat(r.message()).contains("exited with code 3").contains("FATAL: out of memory (fake)");
        assertThat(r.usage()).isEqualTo(new Usage(1000, 1, 200, 3000));
        assertThat(r.sessionId()).isPresent();
    }

    @Test
    void exiting_without_a_result_line_is_a_crash_even_with_exit_code_zero() throws Exception {
        ClaudeCodeRunner runner = f.runner("exit-without-result");

        Failed r = (Failed) runner.start(f.request(runner, "hi", ClaudeRequest.Mode.QUESTION)).await();

        assertThat(r.kind()).isEqualTo(Kind.CRASHED);
        assertThat(r.message()).contains("exited with code 0 before reporting a result");
    }

    @Test
    void a_missing_binary_is_not_found_with_a_message_naming_the_setting() throws Exception {
        ClaudeCodeRunner onPath = f.runner(Map.of("CLAUDE_CODE_BIN", "no-such-claude-cli"), f.fake.env("echo"));
        Failed r = (Failed) onPath.start(f.request(onPath, "hi", ClaudeRequest.Mode.QUESTION)).await(Duration.ofSeconds(5)).orElseThrow();
        assertThat(r.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(r.message()).contains("'no-such-claude-cli' was not found on PATH").contains("CLAUDE_CODE_BIN");

        ClaudeCodeRunner byPath = f.runner(Map.of("CLAUDE_CODE_BIN", dir.resolve("nope/claude").toString()), f.fake.env("echo"));
        assertThat(((Failed) byPath.start(f.request(byPath, "hi", ClaudeRequest.Mode.QUESTION)).await()).kind()).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void a_malformed_line_stops_the_run_at_once_instead_of_waiting() throws Exception {
        ClaudeCodeRunner runner = f.runner("malformed");

        ClaudeResult r = runner.start(f.request(runner, "hi", ClaudeRequest.Mode.QUESTION)).await(Duration.ofSeconds(10)).orElseThrow();

        assertThat(((Failed) r).kind()).isEqualTo(Kind.MALFORMED);
        assertThat(((Failed) r).message()).contains("not stream-json").contains("this is not json at all");
    }

    @Test
    void five_megabytes_of_output_and_a_megabyte_of_stderr_are_read_without_stalling() throws Exception {
        ClaudeCodeRunner runner = f.runner("big-output");

        ClaudeResult r = runner.start(f.request(runner, "hi", ClaudeRequest.Mode.QUESTION)).await(Duration.ofSeconds(60)).orElseThrow();

        assertThat(r).isInstanceOfSatisfying(Completed.class, c -> assertThat(c.text()).isEqualTo("big done"));
        assertThat(f.events(ClaudeEvent.AssistantText.class)).hasSizeGreaterThan(500);
        assertThat(r.usage()).isEqualTo(new Usage(600, 600, 0, 0));
    }

    @Test
    void credentials_echoed_by_the_cli_never_reach_the_failure_message() throws Exception {
        Path scenario = dir.resolve("leak.jsonl");
        Files.writeString(scenario, "#stderr auth failed for token oat-test-token-123\n#exit 1\n");
        ClaudeCodeRunner runner = f.runner(scenario.toString());

        Failed r = (Failed) runner.start(f.request(runner, "hi", ClaudeRequest.Mode.QUESTION)).await();

        assertThat(r.message()).contains("auth failed for token ****").doesNotContain("oat-test-token-123");
    }

    @Test
    void a_throwing_listener_does_not_break_the_run() throws Exception {
        ClaudeCodeRunner runner = f.runner("success-tool-use");

        ClaudeResult r = runner.start(runner.request("LIST", "", ClaudeRequest.Mode.COMMAND)
                .withOnEvent(e -> { throw new IllegalStateException("listener bug"); })).await();

        assertThat(r).isInstanceOf(Completed.class);
        assertThat(f.fake.lastRun().argv()).doesNotContain("--append-system-prompt");
    }

    @Test
    void the_runner_defaults_come_from_the_configuration() {
        ClaudeCodeRunner runner = f.runner(Map.of("CLAUDE_CODE_MODEL", "opus", "CLAUDE_CODE_MAX_TURNS", "5",
                "CLAUDE_CODE_TIMEOUT_SECONDS", "90"), f.fake.env("echo"));

        ClaudeRequest r = runner.request("p", "s", ClaudeRequest.Mode.PROACTIVE);

        assertThat(r.model()).contains("opus");
        assertThat(r.maxTurns()).isEqualTo(5);
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(r.tokenCeiling()).isEmpty();
        assertThat(List.of(r.prompt(), r.systemPrompt())).containsExactly("p", "s");
    }
}
