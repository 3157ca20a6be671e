package dev.serveragent.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.serveragent.config.MinioConfig;
import dev.serveragent.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
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

    /**
     * Just enough S3 for HeadBucket/CreateBucket/PutObject/GetObject, path-style; decodes
     * aws-chunked uploads. Starts with the bucket {@code agent-media} unless given others; can
     * refuse bucket creation (403 AccessDenied) or be {@link #down} (503 to everything).
     */
    static final class FakeS3 implements AutoCloseable {
        final Map<String, byte[]> objects = new ConcurrentHashMap<>();
        final List<String> authorizations = new CopyOnWriteArrayList<>();
        final java.util.Set<String> buckets = ConcurrentHashMap.newKeySet();
        volatile boolean mayCreateBuckets = true;
        volatile boolean down;
        private final HttpServer server;

        FakeS3() throws IOException {
            this("agent-media");
        }

        FakeS3(String... buckets) throws IOException {
            this.buckets.addAll(List.of(buckets));
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange ex) throws IOException {
            try (ex) {
                authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                String path = ex.getRequestURI().getPath();
                byte[] body = ex.getRequestBody().readAllBytes();
                if (down) {
                    error(ex, 503, "ServiceUnavailable");
                    return;
                }
                String bucket = path.substring(1).split("/", 2)[0];
                boolean bucketOnly = !path.substring(1).contains("/") || path.endsWith(bucket + "/");
                if (bucketOnly) {
                    switch (ex.getRequestMethod()) {
                        case "HEAD" -> ex.sendResponseHeaders(buckets.contains(bucket) ? 200 : 404, -1);
                        case "PUT" -> {
                            if (!mayCreateBuckets) {
                                error(ex, 403, "AccessDenied");
                                return;
                            }
                            buckets.add(bucket);
                            ex.sendResponseHeaders(200, -1);
                        }
                        default -> ex.sendResponseHeaders(405, -1);
                    }
                    return;
                }
                if (!buckets.contains(bucket)) {
                    error(ex, 404, "NoSuchBucket");
                    return;
                }
                switch (ex.getRequestMethod()) {
                    case "PUT" -> {
                        String sha = String.valueOf(ex.getRequestHeaders().getFirst("x-amz-content-sha256"));
                        objects.put(path, sha.startsWith("STREAMING-") ? dechunk(body) : body);
                        ex.getResponseHeaders().set("ETag", "\"fake\"");
                        ex.sendResponseHeaders(200, -1);
                    }
                    case "GET" -> {
                        byte[] obj = objects.get(path);
                        if (obj == null) {
                            ex.sendResponseHeaders(404, -1);
                            return;
                        }
                        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
                        ex.sendResponseHeaders(200, obj.length);
                        try (OutputStream out = ex.getResponseBody()) {
                            out.write(obj);
                        }
                    }
                    default -> ex.sendResponseHeaders(405, -1);
                }
            }
        }

        private static void error(HttpExchange ex, int status, String code) throws IOException {
            byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + code
                    + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/xml");
            ex.sendResponseHeaders(status, xml.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(xml);
            }
        }

        /** aws-chunked: {@code hex-size;chunk-signature=...\r\n data \r\n}, ending with a 0-size chunk. */
        private static byte[] dechunk(byte[] body) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int i = 0;
            while (i < body.length) {
                int lineEnd = indexOf(body, i);
                String header = new String(body, i, lineEnd - i, StandardCharsets.US_ASCII);
                int size = Integer.parseInt(header.split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                out.write(body, lineEnd + 2, size);
                i = lineEnd + 2 + size + 2;
            }
            return out.toByteArray();
        }

        private static int indexOf(byte[] b, int from) {
            for (int i = from; i < b.length - 1; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n') {
                    return i;
                }
            }
            return b.length;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
