package dev.serveragent.proactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.claude.FakeClaude;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proactive loop through the real Claude Code runner and the fake CLI: the live ceiling is the hard bound. */
class ProactiveWithClaudeCodeTest {
    @TempDir
    Path dataDir;

    @Test
    void a_run_that_would_overshoot_the_days_budget_is_stopped_by_the_live_ceiling_within_one_turn() {
        Path workdir = dataDir.resolve("workspace");
        FakeClaude claude = FakeClaude.useInWorkdir(workdir, "ceiling"); // 4,201 tokens per turn, then it would go on
        try (TestDatabase db = ProactiveIdleTest.withAutonomousTask(TestDatabase.create());
                TestApp app = TestApp.start(db, dataDir, Map.of(
                        "PROACTIVE_ENABLED", "true",
                        "PROACTIVE_DAILY_TOKEN_BUDGET", "10000",
                        "CLAUDE_CODE_BIN", FakeClaude.SCRIPT.toString(),
                        "CLAUDE_CODE_WORKDIR", workdir.toString(),
                        "CLAUDE_CODE_OAUTH_TOKEN", "oat-test"), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> spent(db) > 0);

            long spent = spent(db);
            assertThat(spent).as("stopped after the turn that crossed 10,000").isEqualTo(12_603);
            assertThat(spent - 10_000).as("overshoot within one model turn").isLessThanOrEqualTo(4_201);
            assertThat(claude.runs()).hasSize(1);
            assertThat(claude.lastRun().argv()).contains("--permission-mode", "dontAsk");
            assertThat(ProcessHandle.of(claude.lastRun().pid()).map(ProcessHandle::isAlive).orElse(false))
                    .as("the run's process was stopped").isFalse();
            assertThat(app.app().proactive().status().remaining()).isZero();
        }
    }

    private static long spent(TestDatabase db) {
        return db.jdbi().withHandle(h -> h.createQuery(
                "select coalesce(sum(tokens_total), 0) from token_ledger where scope = 'proactive' and provider = 'claude_code'")
                .mapTo(Long.class).one());
    }
}
