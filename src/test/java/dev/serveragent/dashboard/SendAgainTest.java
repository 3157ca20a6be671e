package dev.serveragent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Send again" for a reply Telegram may not have shown (send status {@code uncertain}): offered on
 * its conversation page and in the console, behind the login and CSRF like every other action,
 * and re-queued once however often it is pressed.
 */
class SendAgainTest {
    static final String TOKEN = "send-again-admin-token-0123456789";
    static final ObjectMapper JSON = new ObjectMapper();
    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @TempDir
    static Path dir;
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A Telegram thread with one reply whose send ended uncertain; returns {thread, message}. */
    private static long[] uncertainReply(long chatId, String text) {
        long thread = db.jdbi().withHandle(h -> h.createQuery(
                "insert into chat_threads (platform, chat_id) values ('telegram', :c) returning id").bind("c", chatId).mapTo(Long.class).one());
        long id = db.jdbi().withHandle(h -> h.createQuery("""
                        insert into chat_messages (thread_id, role, text, created_at, kind, send_status, send_error)
                        values (:t, 'assistant', :text, now(), 'text', 'uncertain', 'answer lost') returning id""")
                .bind("t", thread).bind("text", text).mapTo(Long.class).one());
        return new long[] {thread, id};
    }

    private static int copies(long thread, String text) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "select count(*) from chat_messages where thread_id = :t and text = :text and send_status = 'pending'")
                .bind("t", thread).bind("text", text).mapTo(Integer.class).one());
    }

    private static ConsoleClient loggedIn() {
        ConsoleClient client = ConsoleClient.of(app);
        client.login(TOKEN);
        client.open();
        return client;
    }

    private static int form(ConsoleClient client, long id, long thread, String csrf) {
        String body = (csrf == null ? "" : "_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8) + "&") + "thread=" + thread;
        return client.send(HttpRequest.newBuilder(app.uri("/admin/messages/" + id + "/send-again"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/x-www-form-urlencoded").build()).statusCode();
    }

    @Test
    void the_conversation_page_offers_send_again_and_its_form_queues_the_reply_once() {
        long[] r = uncertainReply(61_001, "the answer that may be missing");
        try (ConsoleClient client = loggedIn()) {
            assertThat(client.get("/admin/conversations/" + r[0]).body()).contains("action=\"/admin/messages/" + r[1] + "/send-again\"");
            assertThat(form(client, r[1], r[0], null)).as("without the CSRF token").isEqualTo(403);
            assertThat(copies(r[0], "the answer that may be missing")).isZero();
            assertThat(form(client, r[1], r[0], client.csrf())).isEqualTo(303);
            assertThat(form(client, r[1], r[0], client.csrf())).as("pressed twice").isEqualTo(303);
        }
        assertThat(copies(r[0], "the answer that may be missing")).isEqualTo(1);
    }

    @Test
    void the_console_lists_the_reply_and_sends_it_again_once() throws Exception {
        long[] r = uncertainReply(61_002, "the console's missing answer");
        try (ConsoleClient client = loggedIn()) {
            var listed = JSON.readTree(client.get("/console/api/undelivered").body()).path("undelivered");
            assertThat(listed.findValuesAsText("text")).contains("the console's missing answer");
            String press = JSON.createObjectNode().put("message_id", r[1]).toString();
            assertThat(client.post("/console/api/send-again", press).statusCode()).isEqualTo(200);
            assertThat(client.post("/console/api/send-again", press).statusCode()).as("pressed twice").isEqualTo(409);
            var after = JSON.readTree(client.get("/console/api/undelivered").body()).path("undelivered");
            assertThat(after.findValuesAsText("text")).doesNotContain("the console's missing answer");
        }
        try (ConsoleClient stranger = ConsoleClient.of(app)) {
            assertThat(stranger.post("/console/api/send-again", "{\"message_id\":" + r[1] + "}").statusCode()).isIn(401, 403);
        }
        assertThat(copies(r[0], "the console's missing answer")).isEqualTo(1);
    }
}
