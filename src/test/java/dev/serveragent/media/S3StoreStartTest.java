package dev.serveragent.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.web.ReadinessCheck;
import dev.serveragent.config.AppConfig;
import dev.serveragent.config.MinioConfig;
import dev.serveragent.config.Secret;
import dev.serveragent.config.Settings;
import dev.serveragent.testing.FakeS3;
import dev.serveragent.testing.TestClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 media store at start (bucket checked, created, or the reason in readiness) and while it is down. */
class S3StoreStartTest {
    @TempDir
    Path dir;

    private MinioConfig.Store config(FakeS3 s3, String bucket) {
        return new MinioConfig.Store(URI.create(s3.url()), Secret.of("minio-access"), Secret.of("minio-secret-key"), bucket);
    }

    private AppConfig appConfig(FakeS3 s3, String bucket) {
        return AppConfig.from(Settings.load(Map.of("DATA_DIR", dir.toString(), "MINIO_ENDPOINT", s3.url(),
                "MINIO_ACCESS_KEY", "minio-access", "MINIO_SECRET_KEY", "minio-secret-key", "MINIO_BUCKET", bucket), dir));
    }

    @Test
    void a_missing_bucket_is_created_at_start_before_any_upload() throws Exception {
        try (FakeS3 s3 = new FakeS3(); S3BlobStore store = new S3BlobStore(config(s3, "new-media"), dir.resolve("spool"))) {
            assertThat(s3.buckets).contains("new-media");
            assertThat(s3.objects).isEmpty();
            store.put("k/1.bin", new byte[] {1}, "application/octet-stream");
            assertThat(s3.objects).containsKey("/new-media/k/1.bin");
        }
    }

    @Test
    void a_bucket_that_is_missing_and_may_not_be_created_makes_readyz_say_why() throws Exception {
        try (FakeS3 s3 = new FakeS3()) {
            s3.mayCreateBuckets = false;
            TestClock clock = new TestClock(java.time.Instant.parse("2026-06-01T00:00:00Z"));
            List<ReadinessCheck> checks = BlobStores.readiness(appConfig(s3, "forbidden-media"), clock);
            assertThat(checks).hasSize(1);
            assertThat(checks.getFirst().notReadyReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("forbidden-media").contains("MINIO_BUCKET").contains("could not be created").contains("AccessDenied")
                    .doesNotContain("minio-secret-key"));

            s3.buckets.add("forbidden-media"); // the operator creates it
            assertThat(checks.getFirst().notReadyReason()).as("cached for a while").isPresent();
            clock.advance(BlobStores.READINESS_CACHE.plusSeconds(1));
            assertThat(checks.getFirst().notReadyReason()).isEmpty();
        }
        assertThat(BlobStores.readiness(AppConfig.from(Settings.load(Map.of("DATA_DIR", dir.toString()), dir)), new TestClock(java.time.Instant.parse("2026-06-01T00:00:00Z"))))
                .as("no S3, nothing to check").isEmpty();
    }

    @Test
    void the_applications_readyz_gives_the_media_stores_reason() throws Exception {
        try (FakeS3 s3 = new FakeS3(); dev.serveragent.testing.TestDatabase db = dev.serveragent.testing.TestDatabase.create()) {
            s3.mayCreateBuckets = false;
            Map<String, String> env = Map.of("MINIO_ENDPOINT", s3.url(), "MINIO_ACCESS_KEY", "minio-access",
                    "MINIO_SECRET_KEY", "minio-secret-key", "MINIO_BUCKET", "forbidden-media");
            try (var app = dev.serveragent.testing.TestApp.start(db, dir, env, java.time.Clock.systemUTC())) {
                var readyz = app.get("/readyz");
                assertThat(readyz.statusCode()).isEqualTo(503);
                assertThat(readyz.body()).contains("media store: bucket forbidden-media (MINIO_BUCKET) does not exist");
                assertThat(app.get("/healthz").statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void while_s3_is_down_a_voice_message_is_still_transcribed_and_its_blob_uploaded_once_s3_is_back() throws Exception {
        byte[] voice = "OggS fake opus voice bytes".getBytes(StandardCharsets.UTF_8);
        try (FakeS3 s3 = new FakeS3(); var db = dev.serveragent.testing.TestDatabase.create();
                var telegram = dev.serveragent.testing.FakeTelegram.start(dev.serveragent.testing.TelegramFixtures.TOKEN);
                var transcriber = dev.serveragent.testing.FakeTranscriber.start()) {
            telegram.addFile("AwACAgIAAxkBAAIBZ2VoiceFileId", "voice/file_0.oga", voice);
            transcriber.transcript("restart nginx please");
            s3.down = true;
            Map<String, String> env = new java.util.HashMap<>(dev.serveragent.testing.TelegramFixtures.env(telegram, "https://agent.example.org"));
            env.putAll(Map.of("TRANSCRIBE_URL", transcriber.url(), "MINIO_ENDPOINT", s3.url(), "MINIO_ACCESS_KEY", "minio-access",
                    "MINIO_SECRET_KEY", "minio-secret-key", "MINIO_BUCKET", "agent-media", "MASTER_CHAT_IDS", "4242",
                    "REACTIVE_WORKERS", "0"));
            try (var app = dev.serveragent.testing.TestApp.start(db, dir, env, java.time.Clock.systemUTC())) {
                assertThat(dev.serveragent.testing.TelegramFixtures.post(app, dev.serveragent.testing.TelegramFixtures.update("message_voice"))
                        .statusCode()).isEqualTo(200);
                String sql = "select status || ' ' || coalesce(uri, '') || ' ' || coalesce(content_json ->> 'text', '') from message_artifacts";
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).list())
                        .equals(List.of("done s3://agent-media/" + s3Key(db) + " restart nginx please")));
                assertThat(s3.objects).as("S3 is still down").isEmpty();

                s3.down = false;
                // No new upload comes: the store's own retry (every 30 s) brings the waiting blob.
                await().atMost(Duration.ofSeconds(60)).until(() -> s3.objects.containsKey("/agent-media/" + s3Key(db)));
                assertThat(s3.objects.get("/agent-media/" + s3Key(db))).isEqualTo(voice);
            }
        }
    }

    private static String s3Key(dev.serveragent.testing.TestDatabase db) {
        return db.jdbi().withHandle(h -> h.createQuery("select uri from message_artifacts").mapTo(String.class).one())
                .substring("s3://agent-media/".length());
    }

    @Test
    void an_unreachable_store_leaves_the_agent_ready() throws Exception {
        try (FakeS3 s3 = new FakeS3()) {
            s3.down = true;
            assertThat(BlobStores.readiness(appConfig(s3, "agent-media"), new TestClock(java.time.Instant.parse("2026-06-01T00:00:00Z"))).getFirst().notReadyReason()).isEmpty();
        }
    }

    @Test
    void while_the_store_is_down_blobs_wait_locally_are_readable_and_are_uploaded_when_it_is_back() throws Exception {
        try (FakeS3 s3 = new FakeS3()) {
            s3.down = true;
            try (S3BlobStore store = new S3BlobStore(config(s3, "agent-media"), dir.resolve("spool"), Duration.ofMillis(200))) {
                byte[] voice = "a voice message".getBytes(StandardCharsets.UTF_8);
                URI uri = store.put("telegram/9/1/5-voice.oga", voice, "audio/ogg");
                assertThat(uri).hasToString("s3://agent-media/telegram/9/1/5-voice.oga");
                assertThat(store.get(uri)).as("read from the spool").isEqualTo(voice);
                assertThat(s3.objects).isEmpty();
                assertThat(dir.resolve("spool/agent-media/telegram/9/1/5-voice.oga")).hasBinaryContent(voice);

                s3.down = false;
                await().atMost(Duration.ofSeconds(20)).until(() -> s3.objects.containsKey("/agent-media/telegram/9/1/5-voice.oga"));
                assertThat(s3.objects.get("/agent-media/telegram/9/1/5-voice.oga")).isEqualTo(voice);
                await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(dir.resolve("spool/agent-media/telegram/9/1/5-voice.oga")));
                assertThat(store.get(uri)).as("now from S3").isEqualTo(voice);
            }
        }
    }

    @Test
    void blobs_left_waiting_by_an_earlier_run_are_uploaded_after_a_restart() throws Exception {
        try (FakeS3 s3 = new FakeS3()) {
            s3.down = true;
            try (S3BlobStore store = new S3BlobStore(config(s3, "agent-media"), dir.resolve("spool"), Duration.ofMinutes(10))) {
                store.put("telegram/9/2/6-photo.jpg", new byte[] {7, 7}, "image/jpeg");
            }
            s3.down = false;
            try (S3BlobStore restarted = new S3BlobStore(config(s3, "agent-media"), dir.resolve("spool"), Duration.ofMinutes(10))) {
                await().atMost(Duration.ofSeconds(20)).until(() -> s3.objects.containsKey("/agent-media/telegram/9/2/6-photo.jpg"));
                assertThat(restarted.uploadWaiting()).isZero();
            }
        }
    }
}
