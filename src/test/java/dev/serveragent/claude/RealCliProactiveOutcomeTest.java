package dev.serveragent.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole agent with the real Claude Code CLI: a standing goal makes the proactive loop run, the
 * CLI calls {@code mcp__agent__report_outcome} (scripted by a fake Messages API), and the cycle is
 * written back from that report although its final text has no outcome block. Opt-in like
 * {@link RealCliAgentToolsTest} ({@code CLAUDE_CODE_REAL_BIN}).
 */
@EnabledIfEnvironmentVariable(named = "CLAUDE_CODE_REAL_BIN", matches = ".+")
class RealCliProactiveOutcomeTest {
    @TempDir
    Path dataDir;

    @Test
    void a_goal_runs_a_cycle_whose_outcome_the_cli_reports_through_the_tool() throws Exception {
        Path workdir = Files.createDirectories(dataDir.resolve("workspace"));
        try (TestDatabase db = TestDatabase.create(); FakeMessagesApi api = new FakeMessagesApi()) {
            db.jdbi().useHandle(h -> h.execute("insert into standing_goals (text, created_at) values ('keep the backups verified', now())"));
            api.scriptedTool = new String[] {"mcp__agent__report_outcome",
                    "{\"summary\":\"Verified last night's backup.\",\"next_prompt_aroma\":\"Check the weekly one next.\"}"};
            try (TestApp app = TestApp.start(db, dataDir, Map.of(
                    "PROACTIVE_ENABLED", "true",
                    "CLAUDE_CODE_BIN", System.getenv("CLAUDE_CODE_REAL_BIN"),
                    "ANTHROPIC_BASE_URL", api.baseUrl(),
                    "CLAUDE_CODE_MAX_RETRIES", "0",
                    "CLAUDE_CODE_WORKDIR", workdir.toString(),
                    "CLAUDE_CODE_OAUTH_TOKEN", "oat-test-token-123"), Clock.systemUTC())) {
                await().atMost(Duration.ofSeconds(120)).until(() -> db.jdbi().withHandle(h -> h.createQuery(
                        "select count(*) from proactive_cycles where finished_at is not null").mapTo(Long.class).one()) > 0);
            }
            assertThat(api.offeredTools).contains("mcp__agent__report_outcome", "mcp__agent__list_goals")
                    .doesNotContain("mcp__agent__schedule");
            Map<String, Object> cycle = db.jdbi().withHandle(h -> h.createQuery(
                    "select status, outcome, summary from proactive_cycles order by id limit 1").mapToMap().one());
            assertThat(cycle).containsEntry("status", "completed").containsEntry("outcome", "ok")
                    .containsEntry("summary", "Verified last night's backup.");
            java.util.List<String> aroma = db.jdbi().withHandle(h -> h.createQuery("select content from memory_notes where kind = 'aroma'")
                    .mapTo(String.class).list());
            assertThat(aroma).containsExactly("Check the weekly one next.");
        }
    }
}
