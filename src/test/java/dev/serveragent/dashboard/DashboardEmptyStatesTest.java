package dev.serveragent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first day's dashboard: no Master, no job, no run, the proactive loop off. Controls are
 * offered only for what runs (the rest says why it is off), empty tables say what would fill
 * them, and a job's error stands beside its attempts.
 */
class DashboardEmptyStatesTest {
    static final String TOKEN = "empty-states-admin-token-0123456789";
    static final Instant NOW = Instant.parse("2026-12-02T15:30:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @AutoClose
    static final FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
    @TempDir
    static Path dir;
    static TestApp app;
    static String cookie;

    @BeforeAll
    static void start() {
        Map<String, String> env = new HashMap<>(TelegramFixtures.env(telegram, "https://agent.example"));
        env.put("ADMIN_TOKEN", TOKEN);
        env.put("MASTER_CHAT_IDS", ""); // no Master; no model and no Claude Code, so the proactive loop is off
        app = TestApp.start(db, dir, env, new TestClock(NOW));
        cookie = app.post("/login", "token=" + TOKEN, Map.of("Content-Type", "application/x-www-form-urlencoded"))
                .headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static String get(String path) {
        var r = app.send(HttpRequest.newBuilder(app.uri(path)).header("Cookie", cookie).GET().build());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    @Test
    void a_proactive_loop_that_does_not_run_offers_no_pause_and_no_budget_gauge_and_says_why() {
        String overview = get("/admin");
        assertThat(overview).doesNotContain("action=\"/admin/proactive\"").doesNotContain("Pause the proactive loop")
                .doesNotContain("0 / 7,000,000").doesNotContain("budget-line").doesNotContain("pace-chart");
        assertThat(overview).contains("id=\"proactive-off\"").contains("PROACTIVE_ENABLED");
    }

    @Test
    void an_empty_masters_table_says_how_to_add_one_with_the_pairing_link() throws Exception {
        String link = "https://t.me/server_agent_bot?start=";
        // The link is there once the bot's @username is known (getMe runs in the background).
        String overview = await().until(() -> get("/admin"), page -> page.contains("id=\"pairing-link\""));
        assertThat(overview).contains("MASTER_CHAT_IDS").contains("href=\"" + link).contains("/pair ");
        JsonNode api = JSON.readTree(get("/admin/api/masters")).path("data");
        assertThat(api.path("masters")).isEmpty();
        assertThat(api.path("how_to_add").asText()).contains("MASTER_CHAT_IDS").contains(link);
    }

    @Test
    void empty_jobs_approvals_and_runs_tables_say_what_fills_them() {
        assertThat(get("/admin/approvals")).contains("No approvals yet").contains("OK button");
        assertThat(get("/admin/runs")).contains("No Claude Code runs yet");
        assertThat(get("/admin/deployments")).contains("No deployment yet").contains("deploy");
    }

    @Test
    void a_job_taken_over_from_a_stopped_worker_shows_why_beside_its_attempts() throws Exception {
        assertThat(get("/admin/jobs")).contains("No jobs yet");
        long job = db.jdbi().inTransaction(h -> {
            long thread = h.createQuery("""
                            insert into chat_threads (platform, chat_id, chat_type, title, created_at, updated_at)
                            values ('telegram', -5001, 'group', 'Ops', :t, :t) returning id""").bind("t", NOW).mapTo(Long.class).one();
            long message = h.createQuery("""
                            insert into chat_messages (thread_id, platform_message_id, role, author_user_id, text, created_at, kind, stored_at)
                            values (:th, 1, 'user', 5001, 'hello', :t, 'text', :t) returning id""")
                    .bind("th", thread).bind("t", NOW).mapTo(Long.class).one();
            // Its worker died mid-classification: the lease ran out, and this app's worker takes it over.
            return h.createQuery("""
                            insert into reactive_jobs (thread_id, trigger_message_id, status, mode, created_at, started_at, run_after,
                                                       attempts, locked_by, lease_until)
                            values (:th, :m, 'running', 'classify', :t, :t, :t, 1, 'worker-that-died', :expired) returning id""")
                    .bind("th", thread).bind("m", message).bind("t", NOW.minusSeconds(600)).bind("expired", NOW.minusSeconds(60))
                    .mapTo(Long.class).one();
        });
        JsonNode row = await().until(() -> jobRow(job), r -> r.path("status").asText().equals("done"));
        assertThat(row.path("attempts").asInt()).isEqualTo(2);
        assertThat(row.path("lastError").asText()).contains("attempt 1").contains("worker-that-died");
        String page = get("/admin/jobs");
        String tr = page.substring(page.indexOf("<tr><td>#" + job + "<"));
        assertThat(tr.substring(0, tr.indexOf("</tr>"))).contains("<td class=\"num\">2</td><td>").contains("worker-that-died");
    }

    private static JsonNode jobRow(long id) throws Exception {
        for (JsonNode j : JSON.readTree(get("/admin/api/jobs")).path("data").path("jobs")) {
            if (j.path("id").asLong() == id) {
                return j;
            }
        }
        return JSON.createObjectNode();
    }
}
