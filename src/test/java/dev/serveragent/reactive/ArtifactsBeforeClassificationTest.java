package dev.serveragent.reactive;

import dev.serveragent.testing.AgentHarness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.FakeTranscriber;
import dev.serveragent.testing.TelegramFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A voice message from the Master: its classification sees the finished transcript, and when the
 * transcript is not there after {@link ClassifyStep#ARTIFACT_WAIT}, classification goes ahead and
 * tells the classifier that it is missing.
 */
class ArtifactsBeforeClassificationTest {
    @TempDir
    Path dataDir;

    private final FakeTranscriber transcriber = FakeTranscriber.start();

    @AfterEach
    void stop() {
        transcriber.close();
    }

    private AgentHarness harness() {
        AgentHarness h = new AgentHarness(dataDir, "echo", Map.of("TRANSCRIBE_URL", transcriber.url()));
        h.telegram.addFile("AwACAgIAAxkBAAIBZ2VoiceFileId", "voice/file_0.oga", "OggS voice".getBytes(StandardCharsets.UTF_8));
        return h;
    }

    /** The user prompt of the first request to the fake Anthropic API (the classification). */
    private static String classificationPrompt(AgentHarness h) {
        await().atMost(AgentHarness.WAIT).until(() -> !h.anthropic.requests().isEmpty());
        FakeAnthropic.Request r = h.anthropic.requests().getFirst();
        return r.body().path("messages").toString();
    }

    private static void postVoice(AgentHarness h) {
        // The fixture's chat is the Master's (4242).
        assertThat(TelegramFixtures.post(h.app, TelegramFixtures.update("message_voice")).statusCode()).isEqualTo(200);
    }

    @Test
    void the_classifier_sees_the_finished_transcript() {
        try (AgentHarness h = harness()) {
            transcriber.transcript("restart nginx please");
            h.classifyAs("command", true);
            postVoice(h);

            String prompt = classificationPrompt(h);
            assertThat(prompt).contains("voice_transcript (done)").contains("restart nginx please");
            assertThat(transcriber.requests()).hasSize(1);
        }
    }

    @Test
    void a_finished_transcript_makes_the_waiting_classification_due_at_once_not_at_its_next_look() {
        try (AgentHarness h = harness()) {
            transcriber.hold();
            h.classifyAs("command", true);
            postVoice(h);
            await().atMost(AgentHarness.WAIT).until(() -> transcriber.requests().size() == 1);
            // Put back to look again ARTIFACT_RECHECK later.
            h.awaitCount("select count(*) from reactive_jobs where status = 'queued' and run_after > created_at", 1);

            transcriber.transcript("restart nginx please");
            transcriber.release();
            h.awaitCount("select count(*) from message_artifacts where status = 'done'", 1);
            // Due from the moment the transcript was stored, not from the next look.
            h.awaitCount("""
                    select count(*) from reactive_jobs j join message_artifacts a on a.message_id = j.trigger_message_id
                    where j.run_after = a.updated_at""", 1);
            assertThat(classificationPrompt(h)).contains("restart nginx please");
        }
    }

    @Test
    void after_the_bounded_wait_classification_proceeds_and_says_the_transcript_is_missing() {
        try (AgentHarness h = harness()) {
            transcriber.hold();
            h.classifyAs("command", true);
            postVoice(h);
            await().atMost(AgentHarness.WAIT).until(() -> transcriber.requests().size() == 1);
            // The job has been looked at and put back to wait for the transcript.
            h.awaitCount("select count(*) from reactive_jobs where status = 'queued' and run_after > created_at", 1);
            assertThat(h.anthropic.requests()).as("no classification while the transcript may still come").isEmpty();

            h.clock.advance(ClassifyStep.ARTIFACT_WAIT.plusSeconds(1));
            String prompt = classificationPrompt(h);
            assertThat(prompt).contains("voice_transcript (pending)").contains("it is missing from what you see");
            transcriber.release();
            h.awaitSent(1);
        }
    }
}
