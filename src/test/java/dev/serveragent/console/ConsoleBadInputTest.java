package dev.serveragent.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generated bad input to the console's posts (QuickTheories): invalid UTF-8, wrong types, deep
 * nesting, 10,000-element arrays, oversized fields. Never a 5xx, never a partial write: every
 * stored message is one the server said it stored, each with its one job.
 */
class ConsoleBadInputTest {
    static final int CASES = 1500;

    @AutoClose
    static final TestDatabase db = TestDatabase.create();

    @TempDir
    Path dir;

    static Gen<byte[]> bodies() {
        Gen<String> text = strings().allPossible().ofLengthBetween(0, 40);
        Gen<byte[]> rawBytes = Generate.byteArrays(Generate.range(0, 300), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
        Gen<String> wrongTypes = Generate.pick(List.of("{\"text\":42}", "{\"text\":null}", "{\"text\":[\"a\"]}", "{\"text\":{\"x\":1}}",
                "{\"text\":true}", "[]", "\"text\"", "null", "17", "{}", "{\"nonce\":\"n\"}", "{\"text\":\"x\",\"nonce\":5}",
                "{\"text\":\"x\",\"nonce\":\"has space\"}", "{\"data\":{}}", "{\"text\":\"\\u0000\"}", "{\"text\":\"\\ud800\"}"));
        Gen<String> deep = integers().between(1, 3000).map(n -> "{\"text\":" + "[".repeat(n) + "]".repeat(n) + "}");
        Gen<String> wide = integers().between(1, 10_000).map(n -> "{\"text\":\"x\",\"extra\":[" + "1,".repeat(n) + "1]}");
        Gen<String> big = integers().between(ConsoleRoutes.MAX_TEXT_CHARS - 2, ConsoleRoutes.MAX_TEXT_CHARS + 2)
                .map(n -> "{\"text\":\"" + "y".repeat(n) + "\"}");
        Gen<String> valid = text.map(t -> "{\"text\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(t) + "}");
        Gen<String> truncated = valid.map(v -> v.substring(0, Math.max(0, v.length() - 2)));
        return Generate.frequency(List.of(
                org.quicktheories.api.Pair.of(3, rawBytes),
                org.quicktheories.api.Pair.of(3, wrongTypes.map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                org.quicktheories.api.Pair.of(2, deep.map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                org.quicktheories.api.Pair.of(1, wide.map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                org.quicktheories.api.Pair.of(1, big.map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                org.quicktheories.api.Pair.of(2, truncated.map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                org.quicktheories.api.Pair.of(2, valid.map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)))));
    }

    @Test
    void generated_bad_posts_never_get_a_5xx_nor_leave_a_partial_write() {
        // An ingest-only replica: what is stored is checked, not answered.
        try (TestApp app = TestApp.start(db, dir, Map.of("REACTIVE_WORKERS", "0"), Clock.systemUTC());
             ConsoleClient console = ConsoleClient.of(app)) {
            console.open();
            AtomicInteger stored = new AtomicInteger();
            AtomicInteger cases = new AtomicInteger();
            for (String path : List.of("/console/api/messages", "/console/api/press")) {
                qt().withExamples(CASES).withShrinkCycles(50).forAll(bodies()).checkAssert(body -> {
                    cases.incrementAndGet();
                    HttpResponse<String> r = console.send(HttpRequest.newBuilder(app.uri(path))
                            .header("Content-Type", "application/json").header("X-CSRF-Token", console.csrf())
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
                    assertThat(r.statusCode()).as("%s answered %s", path, r.body()).isIn(200, 400, 413);
                    if (path.endsWith("messages") && r.statusCode() == 200) {
                        stored.incrementAndGet();
                    }
                });
            }
            // QuickTheories skips values it already tried: most cases, never fewer than this.
            assertThat(cases.get()).isGreaterThan(CASES);
            assertThat(app.get("/healthz").statusCode()).isEqualTo(200);
            long messages = db.jdbi().withHandle(h -> h.createQuery("""
                    select count(*) from chat_messages m join chat_threads t on t.id = m.thread_id
                    where t.platform = 'console' and m.role = 'user'""").mapTo(Long.class).one());
            long withOneJob = db.jdbi().withHandle(h -> h.createQuery("""
                    select count(*) from chat_messages m join chat_threads t on t.id = m.thread_id
                    where t.platform = 'console' and m.role = 'user'
                      and (select count(*) from reactive_jobs j where j.trigger_message_id = m.id) = 1""").mapTo(Long.class).one());
            assertThat(messages).isEqualTo(stored.get()).isEqualTo(withOneJob);
            assertThat(stored.get()).as("some generated bodies were valid").isPositive();
        }
    }

    @Test
    void a_file_sent_again_with_the_same_nonce_is_one_message_and_one_kept_blob() throws java.io.IOException {
        try (TestApp app = TestApp.start(db, dir, Map.of("REACTIVE_WORKERS", "0"), Clock.systemUTC());
             ConsoleClient console = ConsoleClient.of(app)) {
            console.open();
            byte[] note = "the spare key is under the blue pot".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            HttpResponse<String> first = console.upload("note.txt", "text/plain", note, null, "retry-7");
            HttpResponse<String> again = console.upload("note.txt", "text/plain", note, null, "retry-7");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(again.body()).contains("\"duplicate\":true");
            try (var kept = java.nio.file.Files.walk(dir.resolve("blobs"))) {
                assertThat(kept.filter(java.nio.file.Files::isRegularFile).toList()).as("the copy no row refers to is removed").hasSize(1);
            }
        }
    }

    @Test
    void an_oversized_empty_mistyped_or_malformed_upload_is_a_clear_4xx_and_nothing_is_stored() throws java.io.IOException {
        try (TestApp app = TestApp.start(db, dir, Map.of("REACTIVE_WORKERS", "0"), Clock.systemUTC());
             ConsoleClient console = ConsoleClient.of(app)) {
            console.open();
            long before = db.jdbi().withHandle(h -> h.createQuery("select count(*) from chat_messages").mapTo(Long.class).one());
            long artifactsBefore = db.jdbi().withHandle(h -> h.createQuery("select count(*) from message_artifacts").mapTo(Long.class).one());
            // Requests the server answers without reading the whole body (it then closes the connection) come last.
            HttpResponse<String> json = console.post("/console/api/upload", "{\"text\":\"no file\"}");
            assertThat(json.statusCode()).isEqualTo(400);
            HttpResponse<String> empty = console.upload("empty.jpg", "image/jpeg", new byte[0], "look");
            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(empty.body()).contains("is empty");
            HttpResponse<String> fake = console.upload("cat.png", "image/png", "<script>alert(1)</script>".getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
            assertThat(fake.statusCode()).isEqualTo(415);
            assertThat(fake.body()).contains("sent as image/png but its content is text/plain");
            HttpResponse<String> noToken = ConsoleClient.of(app).send(HttpRequest.newBuilder(app.uri("/console/api/upload"))
                    .header("Content-Type", "multipart/form-data; boundary=x").POST(HttpRequest.BodyPublishers.ofString("--x--\r\n")).build());
            assertThat(noToken.statusCode()).isIn(401, 403);
            HttpResponse<String> malformed = console.send(HttpRequest.newBuilder(app.uri("/console/api/upload"))
                    .header("Content-Type", "multipart/form-data; boundary=nope").header("X-CSRF-Token", console.csrf())
                    .POST(HttpRequest.BodyPublishers.ofString("--other\r\nnot a part")).build());
            assertThat(malformed.statusCode()).isEqualTo(400);
            ConsoleClient second = ConsoleClient.of(app); // its own connection: the one above may be closed by now
            second.open();
            HttpResponse<String> big = second.upload("big.pdf", "application/pdf", new byte[(int) ConsoleUploadRoutes.MAX_FILE_BYTES + 1], null);
            assertThat(big.statusCode()).isEqualTo(413);
            assertThat(big.body()).contains("over 20 MB");
            // Without a Content-Length (chunked), Jetty's multipart limits for the route stop it.
            ConsoleClient third = ConsoleClient.of(app);
            third.open();
            byte[] multipart = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] chunkedBody = java.util.Arrays.copyOf(multipart, multipart.length + (int) ConsoleUploadRoutes.MAX_FILE_BYTES + 1024);
            HttpResponse<String> chunked = third.send(HttpRequest.newBuilder(app.uri("/console/api/upload"))
                    .header("Content-Type", "multipart/form-data; boundary=b").header("X-CSRF-Token", third.csrf())
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArray(chunkedBody))).build());
            assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);

            long messages = db.jdbi().withHandle(h -> h.createQuery("select count(*) from chat_messages").mapTo(Long.class).one());
            long artifacts = db.jdbi().withHandle(h -> h.createQuery("select count(*) from message_artifacts").mapTo(Long.class).one());
            assertThat(messages).as("messages (the class's other test shares the database)").isEqualTo(before);
            assertThat(artifacts).isEqualTo(artifactsBefore);
            Path blobs = dir.resolve("blobs");
            assertThat(!java.nio.file.Files.exists(blobs) || java.nio.file.Files.walk(blobs).noneMatch(java.nio.file.Files::isRegularFile))
                    .as("no file kept in %s", blobs).isTrue();
            assertThat(app.get("/healthz").statusCode()).isEqualTo(200);
        }
    }
}
