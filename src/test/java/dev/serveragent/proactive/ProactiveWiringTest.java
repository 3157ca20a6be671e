package dev.serveragent.proactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.Application;
import dev.serveragent.config.AppConfig;
import dev.serveragent.config.Settings;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Application starts the proactive loop only when it is enabled and a runner exists. */
class ProactiveWiringTest {
    @TempDir
    Path dir;

    private Application start(TestDatabase db, String enabled, Optional<dev.serveragent.claude.ClaudeRunner> runner) {
        Map<String, String> env = Map.of("PORT", "0", "BIND_HOST", "127.0.0.1", "DATABASE_URL", db.databaseUrlEnv(),
                "DATA_DIR", dir.toString(), "PROACTIVE_ENABLED", enabled, "MASTER_CHAT_IDS", "42");
        return Application.start(AppConfig.from(new Settings(env)), Clock.systemUTC(), runner);
    }

    private static long proactiveLedgerRows(TestDatabase db) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from token_ledger where scope = 'proactive'").mapTo(Long.class).one());
    }

    @Test
    void enabled_with_a_runner_the_application_runs_cycles_and_reports_its_budget() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 3, Optional.empty());
        try (TestDatabase db = ProactiveIdleTest.withAutonomousTask(TestDatabase.create());
                Application app = start(db, "true", Optional.of(runner))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> proactiveLedgerRows(db) == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.proactive().status().nextWake().isPresent());
            ProactiveStatus s = app.proactive().status();
            assertThat(s.running()).isTrue();
            assertThat(s.spentToday()).isEqualTo(30_000);
            assertThat(s.remaining()).isEqualTo(7_000_000 - 30_000);
            assertThat(s.toText()).startsWith("Proactive loop: running");

            app.proactive().pause();
            assertThat(app.proactive().status().toText()).startsWith("Proactive loop: paused");
        }
    }

    @Test
    void disabled_nothing_runs_but_the_status_answers() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 3, Optional.empty());
        try (TestDatabase db = TestDatabase.create()) {
            try (Application app = start(db, "false", Optional.of(runner))) {
                assertThat(app.proactive().status().toText()).startsWith("Proactive loop: disabled");
            }
            assertThat(runner.requests).isEmpty();
            assertThat(proactiveLedgerRows(db)).isZero();
        }
    }
}
