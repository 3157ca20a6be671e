package dev.serveragent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.report.DailyReport;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /cost} and the daily report, end to end through the webhook and the fake Bot API, with a moved clock. */
class CostReportTest {
    static final Instant MORNING = Instant.parse("2026-12-02T08:59:00Z");
    static final Duration WAIT = Duration.ofSeconds(30);

    @AutoClose
    final TestDatabase db = TestDatabase.create();
    @AutoClose
    final FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
    final TestClock clock = TestClock.tickingFrom(MORNING); // real time: the outbox's pacing must pass
    @TempDir
    Path dir;

    TestApp start(String reportAt) {
        Map<String, String> env = new HashMap<>(TelegramFixtures.env(telegram, "https://agent.example"));
        env.put("MASTER_CHAT_IDS", Long.toString(DashboardSeed.CHAT));
        env.put("PROACTIVE_ENABLED", "false");
        if (reportAt != null) {
            env.put("DAILY_REPORT_AT", reportAt);
        }
        return TestApp.start(db, dir, env, clock);
    }

    @Test
    void cost_answers_today_and_the_last_seven_days_by_scope_in_tokens_and_dollars() {
        DashboardSeed.into(db.jdbi(), MORNING);
        try (TestApp app = start(null)) {
            assertThat(app.app().dailyReport()).isEmpty(); // off by default
            TelegramFixtures.post(app, TelegramFixtures.text(900_001, DashboardSeed.CHAT, 1, "/cost"));
            String today = awaitSent(1);
            // today: the Claude Code run (31,000 tokens, $0.42 as reported) and the Haiku call (12,000, $0.02 at list price)
            assertThat(today).startsWith("Cost today (UTC 2026-12-02):")
                    .contains("reactive: 43,000 tokens, $0.44").contains("proactive: 0 tokens, $0.00")
                    // six proactive days of 105k..605k tokens at $0.50 each
                    .contains("Last 7 days: 2,173,000 tokens, $3.44").contains("proactive: 2,130,000 tokens, $3.00");

            clock.advance(Duration.ofDays(7)); // the seeded week is now out of the window
            TelegramFixtures.post(app, TelegramFixtures.text(900_002, DashboardSeed.CHAT, 2, "/cost"));
            assertThat(awaitSent(2)).contains("Cost today (UTC 2026-12-09)").contains("Last 7 days: 0 tokens, $0.00");
        }
    }

    @Test
    void the_daily_report_goes_out_once_at_its_time_and_again_the_next_day() {
        DashboardSeed.into(db.jdbi(), MORNING);
        try (TestApp app = start("09:00")) {
            DailyReport report = app.app().dailyReport().orElseThrow();
            // The component's own loop also checks every 30 s: whichever call comes first sends, so
            // the test asserts on what was sent, never on which call sent it.
            assertThat(report.runDue()).isFalse(); // 08:59: not yet
            assertThat(telegram.calls("sendMessage")).isEmpty();
            clock.advance(Duration.ofMinutes(2));
            report.runDue();
            assertThat(awaitSent(1)).startsWith("Daily report\nCost today (UTC 2026-12-02)").contains("$0.44");
            assertThat(report.runDue()).isFalse(); // once a day
            clock.advance(Duration.ofDays(1));
            report.runDue();
            assertThat(awaitSent(2)).contains("Cost today (UTC 2026-12-03)");
            report.runDue();
            long days = db.jdbi().withHandle(h -> h.createQuery("select count(*) from daily_reports").mapTo(Long.class).one());
            assertThat(days).isEqualTo(2);
        }
    }

    @Test
    void another_replica_does_not_send_a_day_already_reported() {
        try (TestApp first = start("09:00"); TestApp second = start("09:00")) {
            clock.advance(Duration.ofMinutes(2));
            boolean a = first.app().dailyReport().orElseThrow().runDue();
            boolean b = second.app().dailyReport().orElseThrow().runDue();
            assertThat(a && b).isFalse();
            awaitSent(1);
            assertThat(first.app().dailyReport().orElseThrow().runDue() || second.app().dailyReport().orElseThrow().runDue()).isFalse();
            assertThat(telegram.calls("sendMessage")).hasSize(1);
        }
    }

    String awaitSent(int n) {
        await().atMost(WAIT).until(() -> telegram.calls("sendMessage").size() >= n);
        List<FakeTelegram.Call> sent = telegram.calls("sendMessage");
        return sent.get(n - 1).param("text");
    }
}
