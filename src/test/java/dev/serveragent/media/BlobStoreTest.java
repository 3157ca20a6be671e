package dev.serveragent.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.config.MinioConfig;
import dev.serveragent.config.Secret;
import dev.serveragent.testing.FakeS3;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
    @TempDir
    Path dir;

    @Test
    void the_filesystem_store_writes_under_its_root_and_reads_back() throws Exception {
        FilesystemBlobStore store = new FilesystemBlobStore(dir.resolve("blobs"));
        byte[] bytes = "voice".getBytes(StandardCharsets.UTF_8);
        URI uri = store.put("telegram/-1001/7/3-AgAD_x.oga", bytes, "audio/ogg");
        assertThat(uri.getScheme()).isEqualTo("file");
        assertThat(Path.of(uri)).startsWith(dir.resolve("blobs")).hasBinaryContent(bytes);
        assertThat(store.get(uri)).isEqualTo(bytes);
        store.put("telegram/-1001/7/3-AgAD_x.oga", "again".getBytes(StandardCharsets.UTF_8), "audio/ogg");
        assertThat(store.get(uri)).asString(StandardCharsets.UTF_8).isEqualTo("again");
        try (var files = Files.list(Path.of(uri).getParent())) {
            assertThat(files.toList()).as("no temp files left behind").hasSize(1);
        }
    }

    @Test
    void a_blob_no_record_refers_to_is_deleted_and_deleting_it_again_is_no_error() throws Exception {
        FilesystemBlobStore files = new FilesystemBlobStore(dir.resolve("blobs"));
        URI uri = files.put("console/2026-12-05/a-note.txt", new byte[] {1}, "text/plain");
        files.delete(uri);
        assertThat(Path.of(uri)).doesNotExist();
        files.delete(uri);
        assertThatThrownBy(() -> files.delete(dir.resolve("elsewhere").toUri())).isInstanceOf(IllegalArgumentException.class);
        try (FakeS3 s3 = new FakeS3()) {
            S3BlobStore store = new S3BlobStore(new MinioConfig.Store(URI.create(s3.url()), Secret.of("minio-access"),
                    Secret.of("minio-secret-key"), "agent-media"), dir.resolve("spool"));
            URI object = store.put("console/2026-12-05/b-note.txt", new byte[] {2}, "text/plain");
            assertThat(s3.objects).containsKey("/agent-media/console/2026-12-05/b-note.txt");
            store.delete(object);
            assertThat(s3.objects).doesNotContainKey("/agent-media/console/2026-12-05/b-note.txt");
            store.delete(object);
            assertThatThrownBy(() -> store.delete(URI.create("s3://other-bucket/x"))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void the_filesystem_store_refuses_keys_that_escape_its_root() {
        FilesystemBlobStore store = new FilesystemBlobStore(dir.resolve("blobs"));
        assertThatThrownBy(() -> store.put("../outside", new byte[1], "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.put("/etc/passwd", new byte[1], "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.get(dir.resolve("elsewhere").toUri())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_s3_store_puts_and_gets_objects_path_style_with_signed_requests() throws Exception {
        try (FakeS3 s3 = new FakeS3()) {
            S3BlobStore store = new S3BlobStore(new MinioConfig.Store(URI.create(s3.url()), Secret.of("minio-access"),
                    Secret.of("minio-secret-key"), "agent-media"), dir.resolve("spool"));
            byte[] bytes = "a photo".getBytes(StandardCharsets.UTF_8);
            URI uri = store.put("telegram/42/104/9-photo.jpg", bytes, "image/jpeg");
            assertThat(uri).hasToString("s3://agent-media/telegram/42/104/9-photo.jpg");
            assertThat(s3.objects.get("/agent-media/telegram/42/104/9-photo.jpg")).isEqualTo(bytes);
            assertThat(store.get(uri)).isEqualTo(bytes);
            assertThat(s3.authorizations).allSatisfy(a ->
                    assertThat(a).startsWith("AWS4-HMAC-SHA256 Credential=minio-access/").doesNotContain("minio-secret-key"));
        }
    }

    @Test
    void the_application_keeps_media_in_s3_when_minio_is_configured_and_in_data_dir_otherwise() throws Exception {
        try (FakeS3 s3 = new FakeS3()) {
            var withMinio = dev.serveragent.config.AppConfig.from(dev.serveragent.config.Settings.load(Map.of(
                    "DATA_DIR", dir.toString(), "MINIO_ENDPOINT", s3.url(), "MINIO_ACCESS_KEY", "minio-access",
                    "MINIO_SECRET_KEY", "minio-secret-key", "MINIO_BUCKET", "agent-media"), dir));
            URI uri = BlobStores.from(withMinio).put("telegram/1/2/3-voice.oga", new byte[] {1, 2, 3}, "audio/ogg");
            assertThat(uri).hasToString("s3://agent-media/telegram/1/2/3-voice.oga");
            assertThat(s3.objects).containsKey("/agent-media/telegram/1/2/3-voice.oga");
        }
        var withoutMinio = dev.serveragent.config.AppConfig.from(dev.serveragent.config.Settings.load(Map.of("DATA_DIR", dir.toString()), dir));
        URI uri = BlobStores.from(withoutMinio).put("telegram/1/2/4-voice.oga", new byte[] {4}, "audio/ogg");
        assertThat(Path.of(uri)).startsWith(dir.resolve("blobs"));
    }

}
