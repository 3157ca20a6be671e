package dev.serveragent.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.config.AnthropicConfig;
import dev.serveragent.config.Secret;
import dev.serveragent.reactive.Classification;
import dev.serveragent.reactive.HaikuClassifier;
import dev.serveragent.store.ContextRepository.Message;
import dev.serveragent.testing.ClosingHttpServer;
import dev.serveragent.testing.ClosingHttpServer.Mode;
import dev.serveragent.testing.FakeAnthropic;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Haiku classification against an Anthropic API (or gateway) that closes its connections: an
 * HTTP/1.0 server, and one that drops idle connections. The SDK's own retries are off here: they
 * would hide the failure behind seconds of backoff, and the rule must not depend on them.
 */
class AnthropicClosingTest {
    private static final String CLASSIFICATION = """
            {"intent":"question","summary":"asks about disk","plan":"answer","needs_confirmation":false,"confidence":0.9}""";

    private static HaikuClassifier classifier(ClosingHttpServer api) {
        AnthropicConfig config = new AnthropicConfig(Optional.of(Secret.of("sk-ant-test")), Optional.empty(), URI.create(api.url()),
                "claude-haiku-4-5", Duration.ofSeconds(10));
        return new HaikuClassifier(AnthropicClients.haiku(config).orElseThrow().withOptions(o -> o.maxRetries(0)), "claude-haiku-4-5");
    }

    private static Classification classify(HaikuClassifier classifier) {
        Message trigger = new Message(1, "user", "how full is the disk?", Instant.now(), "text", List.of());
        return classifier.classify(List.of(), trigger, "telegram");
    }

    @Test
    void classification_against_an_api_that_closes_its_connections_never_falls_back() {
        AtomicInteger requests = new AtomicInteger();
        for (Mode mode : List.of(Mode.HTTP_1_0, Mode.IDLE_TIMEOUT)) {
            try (ClosingHttpServer api = ClosingHttpServer.start(mode, Duration.ofMillis(300), r -> {
                requests.incrementAndGet();
                return new ClosingHttpServer.Answer(200, "application/json", FakeAnthropic.message(CLASSIFICATION, 40, 20));
            })) {
                HaikuClassifier classifier = classifier(api);
                for (int i = 0; i < 3; i++) {
                    long closed = api.idleCloses();
                    assertThat(classify(classifier).fallbackReason()).as("%s call %d", mode, i).isEmpty();
                    if (mode == Mode.IDLE_TIMEOUT) {
                        await().atMost(Duration.ofSeconds(5)).until(() -> api.idleCloses() > closed); // the kept connection is gone
                    }
                }
                assertThat(api.connections()).as("%s", mode).isEqualTo(3);
            }
        }
        assertThat(requests).hasValue(6);
    }
}
