package dev.serveragent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.ClaudeResult;
import dev.serveragent.claude.ClaudeRun;
import dev.serveragent.claude.TimedRunner;
import dev.serveragent.claude.Usage;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus meters of issue 14, read from {@code /metrics} of the real application after real traffic. */
class MetricsTest {
    @AutoClose
    final TestDatabase db = TestDatabase.create();
    @AutoClose
    final FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
    @TempDir
    Path dir;

    @Test
    void metrics_show_ingest_webhook_jobs_acknowledgements_tokens_outbox_and_deploys() {
        Instant now = Instant.now();
        DashboardSeed.into(db.jdbi(), now);
        Map<String, String> env = new HashMap<>(TelegramFixtures.env(telegram, "https://agent.example"));
        env.put("MASTER_CHAT_IDS", Long.toString(DashboardSeed.CHAT));
        env.put("PROACTIVE_ENABLED", "false");
        try (TestApp app = TestApp.start(db, dir, env, TestClock.tickingFrom(now))) {
            TelegramFixtures.post(app, TelegramFixtures.text(700_001, DashboardSeed.CHAT, 11, "/status"));
            await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from reactive_jobs where status = 'done'") == 2
                    && count("select count(*) from chat_messages where role = 'assistant' and sent_at is not null") == 2);
            // the listener runs right after the row is marked sent: await its observation, then read all
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/metrics").body().lines().anyMatch(l -> l.matches("reactive_ack_latency_seconds_count\\{channel=\"telegram\"\\} 1(\\.0)?")));
            String m = app.get("/metrics").body();
            assertThat(value(m, "telegram_updates_total\\{kind=\"message\",result=\"stored\"\\}")).isEqualTo(1);
            assertThat(m).contains("telegram_webhook_seconds_bucket{");
            assertThat(value(m, "serveragent_jobs\\{status=\"done\"\\}")).isEqualTo(2); // the seeded job and /status
            assertThat(value(m, "serveragent_jobs\\{status=\"failed\"\\}")).isZero();
            assertThat(m).contains("reactive_ack_latency_seconds_bucket{channel=\"telegram\",");
            assertThat(value(m, "serveragent_tokens_today\\{provider=\"claude_code\",scope=\"reactive\"\\}")).isEqualTo(31_000);
            assertThat(value(m, "serveragent_tokens_today\\{provider=\"anthropic_api\",scope=\"reactive\"\\}")).isEqualTo(12_000);
            assertThat(value(m, "telegram_outbox_total\\{result=\"sent\"\\}")).isEqualTo(1);
            assertThat(value(m, "serveragent_deployments\\{status=\"healthy\"\\}")).isEqualTo(1);
        }
    }

    @Test
    void claude_code_run_time_is_a_histogram_by_mode_and_result() throws InterruptedException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ClaudeResult done = new ClaudeResult.Completed("ok", Optional.empty(), 2, 0.1, Usage.ZERO);
        ClaudeRun finished = new ClaudeRun() {
            public ClaudeResult await() {
                return done;
            }

            public Optional<ClaudeResult> await(Duration timeout) {
                return Optional.of(done);
            }

            public void cancel() {}
        };
        ClaudeRun run = new TimedRunner(request -> finished, registry)
                .start(ClaudeRequest.of("hi", "system", ClaudeRequest.Mode.QUESTION, Duration.ofMinutes(1)));
        run.await(Duration.ofSeconds(1));
        run.await(); // one run, one observation
        String m = registry.scrape();
        assertThat(m).contains("claude_run_seconds_bucket{mode=\"question\",result=\"completed\"");
        assertThat(value(m, "claude_run_seconds_count\\{mode=\"question\",result=\"completed\"\\}")).isEqualTo(1);
    }

    long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(scrape);
        if (!m.find()) {
            throw new AssertionError("no series " + series + " in\n" + scrape.lines().filter(l -> l.startsWith("serveragent") || l.startsWith("telegram") || l.startsWith("claude")).filter(l -> !l.contains("_bucket")).toList());
        }
        return Double.parseDouble(m.group(1));
    }
}
