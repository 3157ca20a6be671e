package dev.serveragent.media;

import static dev.serveragent.testing.TelegramFixtures.post;
import static dev.serveragent.testing.TelegramFixtures.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.store.ArtifactRepository;
import dev.serveragent.store.ArtifactRepository.Artifact;
import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.FakeTranscriber;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Media through the real application: downloaded, kept in the blob store, turned into artifacts. */
class ArtifactsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] VOICE = "OggS fake opus voice bytes".getBytes(StandardCharsets.UTF_8);
    static final byte[] PHOTO = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 1, 2, 3, 4, 5, 6, 7, 8};
    static final byte[] CONF = "server { listen 80; }\n".getBytes(StandardCharsets.UTF_8);

    static TestDatabase db;
    static FakeTelegram telegram;
    static FakeTranscriber transcriber;
    static FakeAnthropic anthropic;
    static TestApp app;
    static Path dataDir;
    static final TestClock clock = TestClock.ticking(); // real time, moved forward over backoffs

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create();
        telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
        transcriber = FakeTranscriber.start();
        anthropic = FakeAnthropic.start();
        telegram.addFile("AwACAgIAAxkBAAIBZ2VoiceFileId", "voice/file_0.oga", VOICE);
        telegram.addFile("AgACAgIAAxkBAAIBphotoLarge", "photos/file_1.jpg", PHOTO);
        telegram.addFile("BQACAgIAAxkBAAIBdocumentFileId", "documents/file_2.conf", CONF);
        try (var pdf = ArtifactsTest.class.getResourceAsStream("/files/report.pdf")) {
            telegram.addFile("BQACAgIAAxkBAAIBpdfFileId", "documents/file_3.pdf", pdf.readAllBytes());
        }
        telegram.addFile("BQACAgIAAxkBAAIBbrokenPdfFileId", "documents/file_4.pdf",
                "%PDF-1.4\nthis is not really a PDF".getBytes(StandardCharsets.UTF_8));
        dataDir = Files.createTempDirectory("sa-artifacts");
        Map<String, String> env = TelegramFixtures.env(telegram, "https://agent.example.org");
        env.put("TRANSCRIBE_URL", transcriber.url());
        env.put("TRANSCRIBE_API_KEY", "transcribe-key");
        env.put("ANTHROPIC_BASE_URL", anthropic.url());
        env.put("HAIKU_API_KEY", "haiku-key");
        env.put("ANTHROPIC_API_KEY", "other-key");
        env.put("HAIKU_MODEL", "claude-haiku-4-5");
        // Ingest-only: the Master's messages are not classified, so no classification takes a
        // canned Anthropic answer meant for the vision call.
        env.put("REACTIVE_WORKERS", "0");
        app = TestApp.start(db, dataDir, env, clock);
    }

    @AfterAll
    static void stop() {
        app.close();
        anthropic.close();
        transcriber.close();
        telegram.close();
        db.close();
    }

    private static ArtifactRepository artifacts() {
        return app.app().telegram().artifacts();
    }

    private static long messageId(long updateId) {
        return db.jdbi().withHandle(h -> h.createQuery("select id from chat_messages where update_id = :u")
                .bind("u", updateId).mapTo(Long.class).one());
    }

    private static Artifact awaitFinished(long messageId) {
        await().atMost(Duration.ofSeconds(20)).until(() -> artifacts().pendingArtifactCount(messageId) == 0);
        return artifacts().forMessage(messageId).getFirst();
    }

    @Test
    void a_voice_message_is_kept_and_transcribed() throws Exception {
        transcriber.transcript("restart nginx please");
        try (Connection listener = listen("message_artifacts")) {
            post(app, update("message_voice"));
            long message = messageId(810002);
            Artifact a = awaitFinished(message);
            assertThat(a.kind()).isEqualTo("voice_transcript");
            assertThat(a.status()).isEqualTo("done");
            JsonNode content = JSON.readTree(a.contentJson());
            assertThat(content.path("text").asText()).isEqualTo("restart nginx please");
            assertThat(content.path("source").path("duration").asInt()).isEqualTo(3);
            assertThat(Files.readAllBytes(Path.of(URI.create(a.uri())))).isEqualTo(VOICE);
            assertThat(Path.of(URI.create(a.uri()))).startsWith(dataDir.resolve("blobs"));

            FakeTranscriber.Request r = transcriber.requests().getLast();
            assertThat(r.authorization()).isEqualTo("Bearer transcribe-key");
            assertThat(r.contentType()).startsWith("multipart/form-data; boundary=");
            assertThat(r.model()).isEqualTo("whisper-1");
            assertThat(r.fileName()).isEqualTo("file_0.oga");
            assertThat(r.file()).isEqualTo(VOICE);
            assertThat(notifications(listener)).contains(Long.toString(message));
        }
    }

    @Test
    void a_strangers_photo_and_voice_are_stored_raw_and_never_downloaded_described_or_transcribed() {
        int files = telegram.calls("getFile").size();
        int visions = anthropic.requests().size();
        int transcripts = transcriber.requests().size();
        for (String fixture : List.of("message_photo", "message_voice")) {
            String stranger = update(fixture).replace("\"id\":4242", "\"id\":9999").replaceFirst("\"update_id\":\\s*(\\d+)", "\"update_id\":9$1");
            assertThat(post(app, stranger).statusCode()).isEqualTo(200);
        }
        List<Long> stored = db.jdbi().withHandle(h -> h.createQuery(
                "select m.id from chat_messages m join chat_threads t on t.id = m.thread_id where t.chat_id = 9999").mapTo(Long.class).list());
        assertThat(stored).hasSize(2);
        assertThat(stored).allSatisfy(id -> assertThat(artifacts().forMessage(id)).isEmpty());
        assertThat(telegram.calls("getFile")).hasSize(files);
        assertThat(anthropic.requests()).hasSize(visions);
        assertThat(transcriber.requests()).hasSize(transcripts);
    }

    @Test
    void a_paired_masters_document_is_fetched_and_a_revoked_ones_is_not() {
        var masters = new dev.serveragent.store.MasterRepository(db.jdbi());
        Instant now = clock.instant();
        for (long user : List.of(7777L, 8888L)) {
            masters.createCode("artifacts-" + user, now, now.plusSeconds(600));
            masters.redeem("artifacts-" + user, "telegram", user, "user " + user, now);
        }
        masters.revoke("telegram", 8888L, "test", now);
        post(app, update("message_document", 860001, 60001).replace("\"id\":4242", "\"id\":7777"));
        post(app, update("message_document", 860002, 60002).replace("\"id\":4242", "\"id\":8888"));

        assertThat(awaitFinished(messageId(860001)).status()).isEqualTo("done");
        assertThat(artifacts().forMessage(messageId(860002))).as("a revoked Master is a stranger again").isEmpty();
    }

    @Test
    void a_photo_becomes_image_json_through_haiku_vision_and_its_usage_is_in_the_ledger() throws Exception {
        anthropic.respond(200, FakeAnthropic.message(
                "{\"description\": \"A terminal showing an nginx error.\", \"text\": \"502 Bad Gateway\", \"objects\": [\"terminal\"]}", 1500, 60));
        post(app, update("message_photo"));
        long message = messageId(810004);
        Artifact a = awaitFinished(message);
        assertThat(a.kind()).isEqualTo("image_json");
        assertThat(a.status()).isEqualTo("done");
        JsonNode content = JSON.readTree(a.contentJson());
        assertThat(content.path("description").asText()).isEqualTo("A terminal showing an nginx error.");
        assertThat(content.path("text").asText()).isEqualTo("502 Bad Gateway");
        assertThat(content.path("objects").get(0).asText()).isEqualTo("terminal");

        // The Master's photo is also classified: the vision request is the one carrying the image.
        FakeAnthropic.Request r = anthropic.requests().stream()
                .filter(q -> q.body().path("messages").path(0).path("content").path(0).path("type").asText().equals("image"))
                .findFirst().orElseThrow();
        assertThat(r.apiKey()).as("HAIKU_API_KEY wins; headers " + r.headers()).isEqualTo("haiku-key");
        assertThat(r.headers()).doesNotContainKey("Authorization");
        assertThat(r.body().path("model").asText()).isEqualTo("claude-haiku-4-5");
        JsonNode image = r.body().path("messages").get(0).path("content").get(0);
        assertThat(image.path("type").asText()).isEqualTo("image");
        assertThat(image.path("source").path("type").asText()).isEqualTo("base64");
        assertThat(image.path("source").path("media_type").asText()).isEqualTo("image/jpeg");
        assertThat(Base64.getDecoder().decode(image.path("source").path("data").asText())).isEqualTo(PHOTO);

        Map<String, Object> ledger = db.jdbi().withHandle(h -> h.createQuery("""
                select scope, provider, tokens_input, tokens_output, tokens_total, cast(meta_json as text) as meta
                from token_ledger order by id desc limit 1""").mapToMap().one());
        assertThat(ledger).containsEntry("scope", "reactive").containsEntry("provider", "anthropic_api")
                .containsEntry("tokens_input", 1500L).containsEntry("tokens_output", 60L).containsEntry("tokens_total", 1560L);
        assertThat((String) ledger.get("meta")).contains("claude-haiku-4-5").contains("image_json");
    }

    @Test
    void a_text_document_is_kept_with_its_metadata_and_text() throws Exception {
        post(app, update("message_document"));
        Artifact a = awaitFinished(messageId(810005));
        assertThat(a.kind()).isEqualTo("file_meta");
        assertThat(a.status()).isEqualTo("done");
        JsonNode content = JSON.readTree(a.contentJson());
        assertThat(content.path("source").path("file_name").asText()).isEqualTo("nginx.conf");
        assertThat(content.path("size_bytes").asInt()).isEqualTo(CONF.length);
        assertThat(content.path("text").asText()).isEqualTo("server { listen 80; }\n");
        assertThat(content.path("sha256").asText()).hasSize(64);
        assertThat(a.uri()).endsWith(".conf");
    }

    private static String pdfDocument(long updateId, String fileId) {
        return update("message_document", updateId, updateId - 800_000)
                .replace("BQACAgIAAxkBAAIBdocumentFileId", fileId)
                .replace("nginx.conf", "report.pdf")
                .replace("text/plain", "application/pdf");
    }

    @Test
    void a_pdf_document_is_kept_with_its_text() throws Exception {
        post(app, pdfDocument(850001, "BQACAgIAAxkBAAIBpdfFileId"));
        Artifact a = awaitFinished(messageId(850001));
        assertThat(a.kind()).isEqualTo("file_meta");
        assertThat(a.status()).isEqualTo("done");
        JsonNode content = JSON.readTree(a.contentJson());
        assertThat(content.path("pages").asInt()).isEqualTo(1);
        assertThat(content.path("text").asText()).isEqualTo("Quarterly report: disk usage 73 percent");
        assertThat(content.has("text_truncated")).isFalse();
        assertThat(a.uri()).endsWith(".pdf");
    }

    @Test
    void a_pdf_without_readable_text_keeps_its_metadata_and_says_why() throws Exception {
        post(app, pdfDocument(850002, "BQACAgIAAxkBAAIBbrokenPdfFileId"));
        Artifact a = awaitFinished(messageId(850002));
        assertThat(a.status()).isEqualTo("done");
        assertThat(a.attempts()).isEqualTo(1);
        JsonNode content = JSON.readTree(a.contentJson());
        assertThat(content.path("text_error").asText()).startsWith("no text could be read from this PDF");
        assertThat(content.has("text")).isFalse();
        assertThat(content.path("sha256").asText()).hasSize(64);
        assertThat(a.uri()).isNotNull();
    }

    @Test
    void an_audio_file_is_transcribed_like_a_voice_message() throws Exception {
        telegram.addFile("CQACAgIAAxkBAAIBaudioFileId", "music/file_5.mp3", VOICE);
        transcriber.transcript("standup notes: ship on friday");
        post(app, update("message_audio"));
        Artifact a = awaitFinished(messageId(810003));
        assertThat(a.kind()).isEqualTo("voice_transcript");
        assertThat(a.status()).isEqualTo("done");
        assertThat(JSON.readTree(a.contentJson()).path("text").asText()).isEqualTo("standup notes: ship on friday");
        assertThat(transcriber.requests().getLast().fileName()).isEqualTo("standup.mp3");
    }

    @Test
    void a_file_telegram_says_is_over_the_limit_becomes_file_meta_when_stored() throws Exception {
        String body = update("message_photo", 830002, 402)
                .replaceAll("\"file_size\":\\d+", "\"file_size\":" + (20 * 1024 * 1024 + 1));
        post(app, body);
        // Decided at ingest from the update's file_size, before any download is tried.
        List<String> kinds = db.jdbi().withHandle(h -> h.createQuery(
                        "select kind from message_artifacts where message_id = :m")
                .bind("m", messageId(830002)).mapTo(String.class).list());
        assertThat(kinds).containsExactly("file_meta");
    }

    @Test
    void a_file_over_telegrams_download_limit_is_described_not_downloaded() throws Exception {
        telegram.addFile("BigPhotoFileId", "photos/big.jpg", new byte[20 * 1024 * 1024 + 1]);
        String body = update("message_photo", 830001, 401).replace("AgACAgIAAxkBAAIBphotoLarge", "BigPhotoFileId");
        long downloadsBefore = telegram.downloads();
        post(app, body);
        Artifact a = awaitFinished(messageId(830001));
        assertThat(a.kind()).isEqualTo("file_meta");
        assertThat(a.status()).isEqualTo("done");
        assertThat(a.uri()).isNull();
        JsonNode content = JSON.readTree(a.contentJson());
        assertThat(content.path("downloaded").asBoolean()).isFalse();
        assertThat(content.path("reason").asText()).contains("bytes Telegram lets bots download");
        assertThat(telegram.downloads()).isEqualTo(downloadsBefore);
    }

    @Test
    void a_transcription_that_keeps_failing_is_marked_failed_after_three_attempts() throws Exception {
        transcriber.failNext(3, 500);
        String body = update("message_voice", 840001, 501);
        post(app, body);
        long message = messageId(840001);
        for (int attempt = 1; attempt <= 3; attempt++) {
            int expected = attempt;
            await().atMost(Duration.ofSeconds(20)).until(() -> artifacts().forMessage(message).getFirst().attempts() == expected
                    && artifacts().forMessage(message).getFirst().error() != null);
            clock.advance(Duration.ofMinutes(1)); // past the backoff
        }
        Artifact a = awaitFinished(message);
        assertThat(a.status()).isEqualTo("failed");
        assertThat(a.attempts()).isEqualTo(3);
        assertThat(a.error()).contains("HTTP 500");
    }

    private static Connection listen(String channel) throws Exception {
        Properties p = new Properties();
        db.url().user().ifPresent(u -> p.setProperty("user", u));
        db.url().password().ifPresent(pw -> p.setProperty("password", pw.reveal()));
        Connection c = DriverManager.getConnection(db.url().jdbcUrl(), p);
        c.createStatement().execute("listen " + channel);
        return c;
    }

    private static List<String> notifications(Connection c) throws Exception {
        List<String> out = new ArrayList<>();
        PGNotification[] n = c.unwrap(PGConnection.class).getNotifications(1000);
        if (n != null) {
            for (PGNotification x : n) {
                out.add(x.getParameter());
            }
        }
        return out;
    }
}
