package dev.serveragent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Application builds the runner and prompt pack; the fake CLI is driven through its workdir, as E2E tests do. */
class ApplicationClaudeWiringTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();

    @TempDir
    Path dataDir;

    @Test
    void the_application_runs_claude_code_with_the_prompt_pack_in_the_configured_workdir() throws Exception {
        Path workdir = dataDir.resolve("ws");
        FakeClaude fake = FakeClaude.useInWorkdir(workdir, "echo");
        // No proactive loop: its first cycle would run the same fake CLI and could be the last run seen.
        try (TestApp app = TestApp.start(db, dataDir, Map.of("CLAUDE_CODE_BIN", FakeClaude.SCRIPT.toString(),
                "CLAUDE_CODE_WORKDIR", workdir.toString(), "CLAUDE_CODE_OAUTH_TOKEN", "oat-e2e", "PROACTIVE_ENABLED", "false"),
                Clock.systemUTC())) {
            PromptPack pack = app.app().promptPack();
            ClaudeCodeRunner runner = app.app().claudeRunner();
            String prompt = pack.userPrompt(List.of(new ContextMessage("user", "What is on port 8080?", Instant.now())),
                    new TaskPack("question", "Which service listens on 8080.", "Look it up and answer.", Optional.empty()));

            ClaudeResult r = runner.start(runner.request(prompt, pack.systemPrompt(ClaudeRequest.Mode.QUESTION),
                    ClaudeRequest.Mode.QUESTION)).await();

            assertThat(r).isInstanceOfSatisfying(ClaudeResult.Completed.class, c -> assertThat(c.text())
                    .contains("What is on port 8080?").contains("Plan: Look it up and answer."));
            FakeClaude.Run run = fake.lastRun();
            assertThat(run.stdin()).isEqualTo(prompt);
            assertThat(run.cwd()).isEqualTo(workdir.toRealPath());
            assertThat(run.env()).containsEntry("CLAUDE_CODE_OAUTH_TOKEN", "oat-e2e")
                    .doesNotContainKeys("TEST_DATABASE_URL", "DATABASE_URL", "ANTHROPIC_API_KEY");
        }
    }
}
