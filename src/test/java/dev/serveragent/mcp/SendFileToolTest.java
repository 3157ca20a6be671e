package dev.serveragent.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.channel.Channel;
import dev.serveragent.channel.Channels;
import dev.serveragent.channel.StoredOutbox;
import dev.serveragent.claude.ClaudeRequest.Mode;
import dev.serveragent.media.FilesystemBlobStore;
import dev.serveragent.store.MessageRepository;
import dev.serveragent.store.OutboxRepository;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code send_file} through the MCP SDK's own client: a file of the working directory becomes one
 * message of the run's thread with its artifact and blob; every bad path is refused with a clear
 * error and leaves no row and no blob behind; proactive runs do not get it.
 */
class SendFileToolTest {
    @AutoClose static final TestDatabase db = TestDatabase.create();
    static final TestClock clock = new TestClock(Instant.parse("2026-12-05T12:00:00Z"));
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path base;
    static Path workdir;
    static Path blobRoot;
    static Path outside;
    static AgentToolServer server;
    static FilesystemBlobStore blobs;
    static long thread;
    static StoredOutbox outbox;

    @BeforeAll
    static void start() throws Exception {
        workdir = Files.createDirectories(base.resolve("workspace"));
        blobRoot = base.resolve("blobs");
        outside = Files.createDirectories(base.resolve("outside"));
        Files.writeString(outside.resolve("secret.env"), "TOKEN=not-for-the-chat\n");
        blobs = new FilesystemBlobStore(blobRoot);
        // A console thread: delivered by being stored (no sender is needed to see what was stored).
        Channel console = channel(Channel.CONSOLE, "console", OutboxRepository.Delivery.STORED, true);
        outbox = new StoredOutbox(new OutboxRepository(db.jdbi()),
                new Channels(List.of(console), new MessageRepository(db.jdbi()), clock), clock, blobs);
        server = new AgentToolServer(List.of(new SendFileTool(outbox)), workdir, clock);
        server.start();
        thread = new ThreadRepository(db.jdbi(), clock).findOrCreate(Channel.CONSOLE, 1);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void a_file_of_the_working_directory_becomes_one_message_with_its_artifact_and_blob() throws Exception {
        Files.createDirectories(workdir.resolve("reports"));
        byte[] csv = "host,disk\nalpha,91%\n".getBytes(StandardCharsets.UTF_8);
        Files.write(workdir.resolve("reports/disk.csv"), csv);
        try (var run = ToolRun.open(server, Mode.COMMAND, thread)) {
            String done = run.ok("send_file", Map.of("path", "reports/disk.csv", "caption", "Disk usage per host"));
            assertThat(done).startsWith("Sent reports/disk.csv (" + csv.length + " B, text/csv) to this chat as a document (message ");
            long id = Long.parseLong(done.replaceAll("^.*\\(message (\\d+)\\).*$", "$1"));

            Map<String, Object> row = row(id);
            assertThat(row).containsEntry("thread_id", thread).containsEntry("role", "assistant").containsEntry("kind", "document")
                    .containsEntry("text", "Disk usage per host").containsEntry("send_status", "sent");
            JsonNode shown = JSON.readTree(row.get("raw_payload").toString()).path("agent_file");
            assertThat(shown.path("name").asText()).isEqualTo("disk.csv");
            assertThat(shown.path("type").asText()).isEqualTo("text/csv");
            assertThat(shown.path("size").asLong()).isEqualTo(csv.length);

            List<Map<String, Object>> artifacts = artifacts(id);
            assertThat(artifacts).hasSize(1);
            assertThat(artifacts.get(0)).containsEntry("kind", "file_meta").containsEntry("status", "done");
            JsonNode content = JSON.readTree(artifacts.get(0).get("content_json").toString());
            assertThat(content.path("file_name").asText()).isEqualTo("disk.csv");
            assertThat(content.path("path").asText()).isEqualTo("reports/disk.csv");
            assertThat(content.path("sent_by").asText()).isEqualTo("agent");
            // The blob holds the file's bytes as they were when sent.
            assertThat(blobs.get(URI.create((String) artifacts.get(0).get("uri")))).isEqualTo(csv);
        }
    }

    @Test
    void a_picture_goes_as_a_photo_by_its_bytes_and_a_big_one_as_a_document() throws Exception {
        byte[] png = png(2048);
        Files.write(workdir.resolve("chart.dat"), png); // the name does not say it; the bytes do
        byte[] big = png((int) SendFileTool.MAX_PHOTO_BYTES + 1);
        Files.write(workdir.resolve("huge.png"), big);
        try (var run = ToolRun.open(server, Mode.QUESTION, thread)) {
            long photo = messageId(run.ok("send_file", Map.of("path", "chart.dat")));
            assertThat(row(photo)).containsEntry("kind", "photo");
            assertThat(row(photo).get("text")).isNull();
            assertThat(JSON.readTree(row(photo).get("raw_payload").toString()).path("agent_file").path("type").asText()).isEqualTo("image/png");

            long document = messageId(run.ok("send_file", Map.of("path", "./huge.png")));
            assertThat(row(document)).containsEntry("kind", "document");
        }
    }

    @Test
    void a_symlink_that_stays_inside_the_working_directory_is_followed() throws Exception {
        Files.writeString(workdir.resolve("real-notes.txt"), "inside\n");
        Files.createSymbolicLink(workdir.resolve("notes-link.txt"), workdir.resolve("real-notes.txt"));
        try (var run = ToolRun.open(server, Mode.COMMAND, thread)) {
            String done = run.ok("send_file", Map.of("path", "notes-link.txt"));
            assertThat(done).startsWith("Sent real-notes.txt (");
        }
    }

    @Test
    void bad_paths_are_refused_with_a_clear_error_and_leave_nothing_behind() throws Exception {
        Files.createDirectories(workdir.resolve("logs"));
        Files.createSymbolicLink(workdir.resolve("escape.env"), outside.resolve("secret.env"));
        Files.createSymbolicLink(workdir.resolve("outdir"), outside);
        Files.createSymbolicLink(workdir.resolve("dangling"), workdir.resolve("nowhere"));
        Files.createFile(workdir.resolve("empty.txt"));
        try (RandomAccessFile f = new RandomAccessFile(workdir.resolve("backup.tar").toFile(), "rw")) {
            f.setLength(SendFileTool.MAX_FILE_BYTES + 1); // sparse: 50 MB and a byte, over Telegram's limit
        }
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put(outside.resolve("secret.env").toString(), "is an absolute path");
        refused.put("/etc/hostname", "is an absolute path");
        refused.put("~/.bashrc", "is an absolute path");
        refused.put("../outside/secret.env", "goes up with '..'");
        refused.put("logs/../../outside/secret.env", "goes up with '..'");
        refused.put("escape.env", "leads outside the working directory");
        refused.put("outdir/secret.env", "leads outside the working directory");
        refused.put("dangling", "is a symlink to nothing");
        refused.put("logs", "is a directory");
        refused.put(".", "is a directory");
        refused.put("missing.txt", "there is no file 'missing.txt'");
        refused.put("empty.txt", "is empty");
        refused.put("backup.tar", "over Telegram's limit of 50 MB");
        refused.put("   ", "'path' is empty");
        long messages = count("chat_messages");
        long artifacts = count("message_artifacts");
        try (var run = ToolRun.open(server, Mode.COMMAND, thread)) {
            for (var e : refused.entrySet()) {
                assertThat(run.error("send_file", Map.of("path", e.getKey()))).as(e.getKey())
                        .startsWith("send_file: ").contains(e.getValue()).doesNotContain("not-for-the-chat");
            }
            assertThat(run.error("send_file", Map.of("path", "backup.tar"))).contains("nothing was sent").contains("Tell the Master");
            // The SDK checks the schema first: unknown arguments and an over-long caption never reach the tool.
            Files.writeString(workdir.resolve("ok.txt"), "fine\n");
            assertThat(run.error("send_file", Map.of("path", "ok.txt", "caption", "x".repeat(SendFileTool.MAX_CAPTION + 1))))
                    .contains("caption");
            Map<String, Object> extra = new HashMap<>(Map.of("path", "ok.txt", "thread_id", 5));
            assertThat(run.error("send_file", extra)).contains("thread_id");
        }
        assertThat(count("chat_messages")).isEqualTo(messages);
        assertThat(count("message_artifacts")).isEqualTo(artifacts);
        assertThat(everyBlobIsReferenced()).isTrue();
    }

    @Test
    void a_file_whose_message_cannot_be_stored_leaves_no_blob() throws Exception {
        long messages = count("chat_messages");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> outbox.sendFile(Long.MAX_VALUE,
                new dev.serveragent.channel.Outbox.FileToSend("document", "x.txt", "text/plain", "x".getBytes(StandardCharsets.UTF_8),
                        null, "x.txt"))).isInstanceOf(RuntimeException.class);
        assertThat(count("chat_messages")).isEqualTo(messages);
        assertThat(everyBlobIsReferenced()).isTrue();
    }

    @Test
    void a_chat_whose_channel_cannot_take_files_gets_none_and_nothing_is_kept() throws Exception {
        // A channel of the port (a plugin) that does not say it delivers files: its sender would get a row it cannot send.
        Channel textOnly = channel(Channel.TELEGRAM, "a text-only channel", OutboxRepository.Delivery.SENDER, false);
        StoredOutbox textOutbox = new StoredOutbox(new OutboxRepository(db.jdbi()),
                new Channels(List.of(textOnly), new MessageRepository(db.jdbi()), clock), clock, blobs);
        long chat = new ThreadRepository(db.jdbi(), clock).findOrCreate(Channel.TELEGRAM, 7007);
        Files.writeString(workdir.resolve("notes.txt"), "x\n");
        AgentToolServer textServer = new AgentToolServer(List.of(new SendFileTool(textOutbox)), workdir, clock);
        textServer.start();
        long messages = count("chat_messages");
        try (var run = ToolRun.open(textServer, Mode.COMMAND, chat)) {
            assertThat(run.error("send_file", Map.of("path", "notes.txt")))
                    .contains("this chat's channel (a text-only channel) cannot take files; nothing was sent");
        } finally {
            textServer.stop();
        }
        assertThat(count("chat_messages")).isEqualTo(messages);
        assertThat(everyBlobIsReferenced()).isTrue();
    }

    @Test
    void a_proactive_run_neither_sees_nor_can_call_send_file() throws Exception {
        Files.writeString(workdir.resolve("p.txt"), "x\n");
        try (var run = ToolRun.open(server, Mode.PROACTIVE, null)) {
            assertThat(run.client().listTools().tools()).noneMatch(t -> t.name().equals("send_file"));
            assertThat(run.error("send_file", Map.of("path", "p.txt"))).contains("not available to a proactive run");
        }
        assertThat(server.tools(Mode.QUESTION)).anyMatch(t -> t.name().equals("send_file"));
        assertThat(server.tools(Mode.COMMAND)).anyMatch(t -> t.name().equals("send_file"));
    }

    /** A channel that only says what it is (no sender is needed to see what was stored). */
    private static Channel channel(String platform, String name, OutboxRepository.Delivery delivery, boolean files) {
        return new Channel() {
            public boolean takesFiles() {
                return files;
            }

            public String platform() {
                return platform;
            }

            public String describe() {
                return name;
            }

            public OutboxRepository.Delivery delivery() {
                return delivery;
            }

            public void answerPress(dev.serveragent.channel.Press press, String text) {}

            public void edited(long chatId, long platformMessageId, String text) {}

            public void buttonRemoved(long chatId, long platformMessageId) {}

            public void wake() {}
        };
    }

    /** Every blob kept belongs to a stored artifact: a refused call kept none. */
    private static boolean everyBlobIsReferenced() throws Exception {
        if (!Files.exists(blobRoot)) {
            return true;
        }
        List<String> uris = db.jdbi().withHandle(h -> h.createQuery("select uri from message_artifacts where uri is not null")
                .mapTo(String.class).list());
        try (Stream<Path> files = Files.walk(blobRoot)) {
            return files.filter(Files::isRegularFile).allMatch(f -> uris.contains(f.toUri().toString()));
        }
    }

    static byte[] png(int size) {
        byte[] b = new byte[size];
        byte[] head = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
        System.arraycopy(head, 0, b, 0, head.length);
        for (int i = head.length; i < Math.min(size, 4096); i++) {
            b[i] = (byte) (i * 7);
        }
        return b;
    }

    private static long messageId(String result) {
        return Long.parseLong(result.replaceAll("^.*\\(message (\\d+)\\).*$", "$1"));
    }

    private static Map<String, Object> row(long id) {
        return db.jdbi().withHandle(h -> h.createQuery("select * from chat_messages where id = :id").bind("id", id).mapToMap().one());
    }

    private static List<Map<String, Object>> artifacts(long messageId) {
        return db.jdbi().withHandle(h -> h.createQuery("select * from message_artifacts where message_id = :id order by id")
                .bind("id", messageId).mapToMap().list());
    }

    private static long count(String table) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from " + table).mapTo(Long.class).one());
    }
}
