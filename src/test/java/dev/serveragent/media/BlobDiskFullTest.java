package dev.serveragent.media;

import static dev.serveragent.testing.AgentHarness.MASTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.FakeTranscriber;
import dev.serveragent.testing.TelegramFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blob store's disk full: {@code DATA_DIR/blobs} is a 256 KiB tmpfs filled to the last byte
 * (mounting needs root, as in CI). The voice message is still transcribed, classified and
 * acknowledged; no partial file is left on the full disk; once space is back the original is
 * fetched again and kept, byte for byte, once.
 */
class BlobDiskFullTest {
    static final byte[] VOICE = "OggS a voice message that will not fit on the full disk".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dataDir;

    @Test
    void a_full_disk_delays_the_original_not_the_transcript_nor_the_answer() throws Exception {
        Path blobs = Files.createDirectories(dataDir.resolve("blobs"));
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", blobs.toString()) == 0,
                "mounting a tmpfs needs root (CI runs as root)");
        try (FakeTranscriber transcriber = FakeTranscriber.start()) {
            Path filler = blobs.resolve("filler");
            fill(filler);
            transcriber.transcript("rotate the nginx logs");
            try (AgentHarness h = new AgentHarness(dataDir, "echo", Map.of(
                    "TRANSCRIBE_URL", transcriber.url(), "TRANSCRIBE_API_KEY", "transcribe-key"))) {
                h.telegram.addFile("AwACAgIAAxkBAAIBZ2VoiceFileId", "voice/file_0.oga", VOICE);
                h.classifyAs("question", false);
                TelegramFixtures.post(h.app, TelegramFixtures.update("message_voice"));

                h.awaitCount("select count(*) from message_artifacts where status = 'done' and blob_retry_at is not null", 1);
                assertThat(h.one("select content_json->>'text' from message_artifacts")).isEqualTo("rotate the nginx logs");
                assertThat(h.one("select uri from message_artifacts")).isNull();
                assertThat(h.one("select blob_error from message_artifacts")).contains("No space left on device");
                var ack = h.awaitSent(1);
                assertThat(ack.param("text")).startsWith("Understood:");
                assertThat(h.anthropic.requests().getFirst().body().toString()).as("the classifier got the transcript")
                        .contains("rotate the nginx logs");
                h.press(MASTER, MASTER, h.telegramIdOf(ack.param("text")), AgentHarness.button(ack)); // a transcript always waits for OK
                h.awaitSent(2); // the answer
                h.awaitCount("select count(*) from reactive_jobs where status = 'done'", 1);
                assertThat(filesUnder(blobs)).as("no partial file left on the full disk").containsExactly(filler);
                assertThat(h.telegram.downloads()).isEqualTo(1);

                Files.delete(filler); // the operator frees space
                h.clock.advance(ArtifactWorker.BLOB_RETRY_STEP.plusSeconds(1));
                await().atMost(AgentHarness.WAIT).until(() -> h.count("select count(*) from message_artifacts where uri is not null") == 1);
                assertThat(Files.readAllBytes(Path.of(URI.create(h.one("select uri from message_artifacts"))))).isEqualTo(VOICE);
                assertThat(h.one("select blob_error from message_artifacts")).isNull();
                assertThat(h.count("select count(*) from message_artifacts where blob_retry_at is not null")).isZero();
                assertThat(h.telegram.downloads()).as("fetched again once").isEqualTo(2);
                assertThat(transcriber.requests()).as("transcribed once").hasSize(1);
                assertThat(h.count("select count(*) from chat_messages where role = 'user'")).isEqualTo(1);
                assertThat(h.count("select count(*) from reactive_jobs")).isEqualTo(1);
            }
        } finally {
            run("umount", "-l", blobs.toString());
        }
    }

    /** Writes until the file system refuses: ENOSPC. */
    private static void fill(Path filler) throws IOException {
        byte[] chunk = new byte[4096];
        Arrays.fill(chunk, (byte) 'x');
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left on device");
        }
        try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.APPEND)) {
            for (int i = 0; i < 4096; i++) { // top up the last partial block
                out.write('x');
                out.flush();
            }
        } catch (IOException full) {
            // full to the byte
        }
    }

    private static List<Path> filesUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }
}
