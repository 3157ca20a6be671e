package dev.serveragent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /admin/api/*} with ADMIN_TOKEN set: refused without the token (loopback included), JSON with it. */
class DashboardApiTest {
    static final String TOKEN = "dashboard-admin-token-0123456789";
    static final List<String> APIS = List.of("threads", "jobs", "approvals", "ledger", "runs", "deployments", "masters");
    static final Instant NOW = Instant.parse("2026-12-02T15:30:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @TempDir
    static Path dir;
    static TestApp app;
    static DashboardSeed seed;

    @BeforeAll
    static void start() {
        seed = DashboardSeed.into(db.jdbi(), NOW);
        app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN, "MASTER_CHAT_IDS", "4242"), new TestClock(NOW));
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void every_api_refuses_a_missing_or_wrong_token_even_from_loopback() {
        for (String api : APIS) {
            assertThat(app.get("/admin/api/" + api).statusCode()).as(api).isEqualTo(401);
            // 429 once the wrong-token throttle (issue 18) has counted ten: still a refusal.
            assertThat(get("/admin/api/" + api, "Authorization", "Bearer wrong-" + TOKEN).statusCode()).as(api).isIn(401, 429);
            String body = get("/admin/api/" + api, "Authorization", "Bearer wrong").body();
            assertThat(body).doesNotContain(TOKEN);
        }
        assertThat(app.get("/admin").statusCode()).isEqualTo(303); // a page goes to the login instead
    }

    @Test
    void every_api_answers_json_with_the_bearer_token() throws Exception {
        for (String api : APIS) {
            HttpResponse<String> r = get("/admin/api/" + api, "Authorization", "Bearer " + TOKEN);
            assertThat(r.statusCode()).as(api).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(JSON.readTree(r.body()).path("data").isObject()).as(api).isTrue();
        }
        JsonNode threads = json("/admin/api/threads", "Authorization", "Bearer " + TOKEN).path("data").path("threads");
        // The seeded Telegram chat is listed (the console's own thread may be listed too, newer or older).
        assertThat(threads.findValues("chatId")).extracting(JsonNode::asLong).contains(DashboardSeed.CHAT);
        JsonNode messages = json("/admin/api/threads/" + seed.threadId() + "/messages", "Authorization", "Bearer " + TOKEN).path("data");
        assertThat(messages.path("messages")).hasSize(2);
        assertThat(messages.path("artifacts").path(Long.toString(seed.voiceMessageId())).get(0).path("contentJson").asText())
                .contains(DashboardSeed.TRANSCRIPT);
        JsonNode today = json("/admin/api/ledger", "Authorization", "Bearer " + TOKEN).path("data").path("days").get(13);
        assertThat(today.path("usd").path("reactive").asDouble()).isCloseTo(DashboardSeed.RUN_COST + DashboardSeed.HAIKU_COST, org.assertj.core.data.Offset.offset(1e-9));
        JsonNode runs = json("/admin/api/runs", "Authorization", "Bearer " + TOKEN).path("data").path("runs");
        JsonNode run = java.util.stream.StreamSupport.stream(runs.spliterator(), false)
                .filter(n -> n.path("jobId").asLong() == seed.jobId()).findFirst().orElseThrow();
        assertThat(run.path("turns").asInt()).isEqualTo(3);
        assertThat(run.path("costUsd").asDouble()).isEqualTo(DashboardSeed.RUN_COST);
        assertThat(run.path("result").asText()).isEqualTo("done");
        JsonNode deployments = json("/admin/api/deployments", "Authorization", "Bearer " + TOKEN).path("data").path("deployments");
        assertThat(deployments.get(0).path("report").asText()).isEqualTo(DashboardSeed.REPORT);
        JsonNode masters = json("/admin/api/masters", "Authorization", "Bearer " + TOKEN).path("data").path("masters");
        assertThat(masters.get(0).path("userId").asLong()).isEqualTo(4242);
    }

    @Test
    void the_search_api_is_the_agents_search_with_its_hits_beside_the_messages() throws Exception {
        JsonNode found = json("/admin/api/threads?q=backup", "Authorization", "Bearer " + TOKEN).path("data");
        // the voice message has no text of its own: it is found by its transcript, as search_memory finds it
        assertThat(found.path("messages").findValues("id")).extracting(JsonNode::asLong).contains(seed.voiceMessageId());
        assertThat(found.has("older_before")).isTrue();
        assertThat(found.path("older_before").isNull()).isTrue();
        JsonNode transcript = java.util.stream.StreamSupport.stream(found.path("hits").spliterator(), false)
                .filter(h -> h.path("message_id").asLong() == seed.voiceMessageId()).findFirst().orElseThrow();
        assertThat(transcript.path("source").asText()).isEqualTo("artifact");
        assertThat(transcript.path("kind").asText()).isEqualTo("voice_transcript");
        assertThat(transcript.path("thread_id").asLong()).isEqualTo(seed.threadId());
        assertThat(transcript.path("snippet").asText()).contains("«backup»");
        // the hits are of the listed messages, in their order (newest first)
        assertThat(found.path("hits").findValues("message_id").stream().map(JsonNode::asLong).distinct().toList())
                .isEqualTo(java.util.stream.StreamSupport.stream(found.path("messages").spliterator(), false)
                        .map(m -> m.path("id").asLong()).toList());
        assertThat(get("/admin/api/threads?q=" + "x".repeat(501), "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(400);
    }

    @Test
    void a_session_cookie_from_the_login_also_opens_the_api() {
        HttpResponse<String> login = app.post("/login", "token=" + TOKEN + "&next=%2Fadmin",
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(login.statusCode()).isEqualTo(303);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        assertThat(get("/admin/api/jobs", "Cookie", cookie).statusCode()).isEqualTo(200);
        assertThat(get("/admin", "Cookie", cookie).body()).contains("Money today");
    }

    @Test
    void a_pause_form_without_its_csrf_token_is_refused() {
        HttpResponse<String> login = app.post("/login", "token=" + TOKEN, Map.of("Content-Type", "application/x-www-form-urlencoded"));
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        HttpResponse<String> forged = app.post("/admin/proactive", "action=pause&_csrf=forged",
                Map.of("Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(app.app().proactive().paused()).isFalse();
    }

    static HttpResponse<String> get(String path, String header, String value) {
        return app.send(HttpRequest.newBuilder(app.uri(path)).header(header, value).GET().build());
    }

    static JsonNode json(String path, String header, String value) throws Exception {
        HttpResponse<String> r = get(path, header, value);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
