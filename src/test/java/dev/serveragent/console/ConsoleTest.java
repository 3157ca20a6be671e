package dev.serveragent.console;

import static dev.serveragent.testing.AgentHarness.MASTER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.FakeTranscriber;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The browser console on the real application: the same pipeline as Telegram, in its own channel. */
class ConsoleTest {
    static final String ADMIN = "console-admin-token-0123456789abcdef";

    @TempDir
    Path dataDir;

    /** The start of a JPEG (what the bytes say is what counts, not the name). */
    static final byte[] JPEG = jpeg();

    private static byte[] jpeg() {
        byte[] b = new byte[2048];
        byte[] head = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0};
        System.arraycopy(head, 0, b, 0, head.length);
        for (int i = head.length; i < b.length; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    private AgentHarness harness(String scenario, Map<String, String> env) {
        return new AgentHarness(dataDir, scenario, env);
    }

    @Test
    void a_console_conversation_and_a_telegram_one_stay_in_their_own_channels() {
        try (AgentHarness h = harness("echo", Map.of("ADMIN_TOKEN", ADMIN));
             ConsoleClient console = ConsoleClient.of(h.app)) {
            assertThat(console.login(ADMIN).statusCode()).isEqualTo(303);
            assertThat(console.open().statusCode()).isEqualTo(200);

            h.classifyAs("question", false);
            console.say("what listens on port 8080?");
            JsonNode ack = console.awaitMessage(m -> m.path("text").asText().startsWith("Understood:"));
            assertThat(ack.path("role").asText()).isEqualTo("assistant");
            assertThat(ack.path("buttons")).isEmpty();
            console.awaitMessage(m -> m.path("text").asText().contains("what listens on port 8080?") && m.path("role").asText().equals("assistant"));

            h.classifyAs("question", false);
            h.say(MASTER, "and on Telegram?");
            FakeTelegram.Call tgAck = h.awaitSent(1);
            assertThat(tgAck.param("text")).startsWith("Understood:");
            h.awaitSent(2);
            h.awaitCount("select count(*) from reactive_jobs where status = 'done' and mode = 'answer'", 2);

            // Nothing of the console went to Telegram, nothing of Telegram shows in the console.
            assertThat(h.sent()).allSatisfy(c -> assertThat(c.param("text")).doesNotContain("8080"));
            assertThat(console.history().path("messages")).noneSatisfy(m -> assertThat(m.path("text").asText()).contains("Telegram?"));
            assertThat(h.count("select count(*) from chat_threads where platform = 'console'")).isEqualTo(1);
            assertThat(h.count("""
                    select count(*) from chat_messages m join chat_threads t on t.id = m.thread_id
                    where t.platform = 'console' and m.send_status is not null and m.send_status <> 'sent'""")).isZero();
            // The prompts say which channel the Master reads.
            assertThat(h.anthropic.requests()).anySatisfy(r -> assertThat(r.body().toString()).contains("writes through the browser console"));
            assertThat(h.anthropic.requests()).anySatisfy(r -> assertThat(r.body().toString()).contains("writes through Telegram"));
            assertThat(h.claude.runs()).anySatisfy(r -> assertThat(r.stdin()).contains("The Master reads your answer in: the browser console"));
            // Each channel's acknowledgement is measured, once: the console's when it is stored (its delivery).
            org.awaitility.Awaitility.await().atMost(AgentHarness.WAIT).until(() -> {
                String m = console.get("/metrics", Map.of("Authorization", "Bearer " + ADMIN)).body();
                return m.contains("reactive_ack_latency_seconds_count{channel=\"console\"} 1")
                        && m.contains("reactive_ack_latency_seconds_count{channel=\"telegram\"} 1");
            });
        }
    }

    @Test
    void ok_in_the_console_approves_exactly_as_in_telegram_and_the_button_goes_away() {
        try (AgentHarness h = harness("echo", Map.of("ADMIN_TOKEN", ADMIN));
             ConsoleClient console = ConsoleClient.of(h.app)) {
            console.login(ADMIN);
            console.open();
            console.listen(0);
            h.classifyAs("command", true);
            console.say("restart nginx");
            JsonNode ack = console.awaitEvent(e -> e.path("buttons").size() == 1);
            org.awaitility.Awaitility.await().atMost(AgentHarness.WAIT).until(() -> console.state().equals("waiting"));
            assertThat(ack.path("text").asText()).startsWith("Understood:").contains("Will:");
            assertThat(ack.path("buttons").get(0).path("text").asText()).isEqualTo("OK");
            assertThat(h.claude.runs()).as("nothing runs before OK").isEmpty();

            assertThat(console.press(ack.path("buttons").get(0).path("data").asText())).contains("working on it");
            console.awaitEvent(e -> e.path("id").asLong() == ack.path("id").asLong() && e.path("buttons").isEmpty());
            console.awaitEvent(e -> e.path("role").asText().equals("assistant") && e.path("text").asText().contains("restart nginx")
                    && !e.path("text").asText().startsWith("Understood"));
            // The header follows the conversation: answered (the job is done), not the press's "OK, working on it.".
            org.awaitility.Awaitility.await().atMost(AgentHarness.WAIT).until(() -> console.state().equals("answered"));
            assertThat(h.one("select status from approvals")).isEqualTo("approved");
            assertThat(h.count("select count(*) from reactive_jobs where status = 'done' and mode = 'execute'")).isEqualTo(1);

            // A second press of the same button changes nothing.
            assertThat(console.press(ack.path("buttons").get(0).path("data").asText())).contains("Already approved");
            assertThat(h.claude.runs()).hasSize(1);
        }
    }

    @Test
    void history_survives_a_restart_and_a_retry_with_the_same_nonce_is_stored_once() {
        try (AgentHarness h = harness("echo", Map.of("ADMIN_TOKEN", ADMIN));
             ConsoleClient console = ConsoleClient.of(h.app)) {
            console.login(ADMIN);
            console.open();
            h.classifyAs("question", false);
            String body = "{\"text\":\"remember me\",\"nonce\":\"n-1\"}";
            assertThat(console.post("/console/api/messages", body).statusCode()).isEqualTo(200);
            assertThat(console.post("/console/api/messages", body).body()).contains("\"duplicate\":true");
            assertThat(h.count("select count(*) from chat_messages where text = 'remember me'")).isEqualTo(1);
            assertThat(h.count("select count(*) from reactive_jobs")).isEqualTo(1);
        }
    }

    @Test
    void bad_input_gets_a_clear_4xx_and_stores_nothing() {
        try (AgentHarness h = harness("echo", Map.of("ADMIN_TOKEN", ADMIN));
             ConsoleClient console = ConsoleClient.of(h.app)) {
            console.login(ADMIN);
            console.open();
            assertThat(console.post("/console/api/messages", "{not json").statusCode()).isEqualTo(400);
            assertThat(console.post("/console/api/messages", "[1,2]").statusCode()).isEqualTo(400);
            assertThat(console.post("/console/api/messages", "{\"text\":42}").statusCode()).isEqualTo(400);
            assertThat(console.post("/console/api/messages", "{\"text\":\"   \"}").statusCode()).isEqualTo(400);
            assertThat(console.post("/console/api/messages", "{\"text\":\"x\",\"nonce\":\"bad nonce!\"}").statusCode()).isEqualTo(400);
            assertThat(console.post("/console/api/messages", "{\"text\":\"" + "x".repeat(ConsoleRoutes.MAX_TEXT_CHARS + 1) + "\"}").statusCode())
                    .isEqualTo(413);
            assertThat(console.post("/console/api/press", "{\"data\":\"ok:999999\"}").body()).contains("does not name a request");
            assertThat(console.post("/console/api/press", "{}").statusCode()).isEqualTo(400);
            assertThat(h.count("select count(*) from chat_messages")).isZero();
            assertThat(h.app.get("/healthz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_photo_from_the_browser_reaches_the_image_describer_and_its_classification_waits_for_the_image_json() throws Exception {
        try (AgentHarness h = harness("echo", Map.of("ADMIN_TOKEN", ADMIN));
             ConsoleClient console = ConsoleClient.of(h.app)) {
            console.login(ADMIN);
            console.open();
            h.anthropic.respond(200, FakeAnthropic.message(
                    "{\"description\": \"A terminal showing an nginx error.\", \"text\": \"502 Bad Gateway\", \"objects\": [\"terminal\"]}", 1500, 60));
            h.classifyAs("question", false);
            HttpResponse<String> r = console.upload("../../etc/screen\u202E shot.jpg", "image/jpeg", JPEG, "what is this error?");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            long id = AgentHarness.JSON.readTree(r.body()).path("message_id").asLong();

            console.awaitMessage(m -> m.path("role").asText().equals("assistant") && m.path("text").asText().startsWith("Understood:"));
            var requests = h.anthropic.requests();
            // First the vision request with the uploaded bytes, then the classification that saw its result.
            JsonNode image = requests.get(0).body().path("messages").get(0).path("content").get(0);
            assertThat(image.path("type").asText()).isEqualTo("image");
            assertThat(Base64.getDecoder().decode(image.path("source").path("data").asText())).isEqualTo(JPEG);
            assertThat(requests.get(1).body().path("messages").toString()).contains("image_json (done)").contains("502 Bad Gateway")
                    .contains("what is this error?");

            // In the conversation with its file, the name cleaned of the path and control characters.
            JsonNode shown = console.awaitMessage(m -> m.path("id").asLong() == id);
            assertThat(shown.path("file").path("name").asText()).isEqualTo("screen shot.jpg");
            assertThat(shown.path("file").path("media").asText()).isEqualTo("photo");
            assertThat(shown.path("text").asText()).isEqualTo("what is this error?");
            // The original is kept in the blob store, once, under the console's key.
            String uri = h.one("select uri from message_artifacts where message_id = " + id);
            assertThat(uri).contains("/blobs/console/");
            assertThat(Files.readAllBytes(Path.of(URI.create(uri)))).isEqualTo(JPEG);
            assertThat(h.one("select kind from chat_messages where id = " + id)).isEqualTo("photo");
        }
    }

    @Test
    void a_voice_file_from_the_browser_is_transcribed_before_it_is_classified() throws Exception {
        byte[] ogg = "OggS\0\2 a voice note".getBytes(StandardCharsets.ISO_8859_1);
        try (FakeTranscriber transcriber = FakeTranscriber.start();
             AgentHarness h = harness("echo", Map.of("ADMIN_TOKEN", ADMIN, "TRANSCRIBE_URL", transcriber.url()));
             ConsoleClient console = ConsoleClient.of(h.app)) {
            console.login(ADMIN);
            console.open();
            transcriber.transcript("please restart nginx");
            h.classifyAs("command", true);
            HttpResponse<String> r = console.upload("voice.ogg", "audio/ogg", ogg, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

            console.awaitMessage(m -> m.path("buttons").size() == 1);
            assertThat(transcriber.requests()).hasSize(1);
            assertThat(transcriber.requests().getFirst().file()).isEqualTo(ogg);
            assertThat(h.anthropic.requests().getFirst().body().path("messages").toString())
                    .contains("voice_transcript (done)").contains("please restart nginx");
            assertThat(h.one("select kind from chat_messages where role = 'user'")).isEqualTo("voice");
        }
    }
}
