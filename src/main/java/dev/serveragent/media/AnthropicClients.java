package dev.serveragent.media;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.AnthropicClientImpl;
import com.anthropic.core.ClientOptions;
import dev.serveragent.config.AnthropicConfig;
import dev.serveragent.net.OutgoingHttp;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the official Anthropic SDK client for Haiku calls (vision here, classification in the
 * reactive loop): key {@code HAIKU_API_KEY} or else {@code ANTHROPIC_API_KEY}, base URL
 * {@code ANTHROPIC_BASE_URL}, over an {@link OutgoingHttp} connection (its rule for connections
 * the API or a gateway closes). Empty when no key is configured. The client is thread-safe and
 * meant to be shared; close it at shutdown.
 */
public final class AnthropicClients {
    /** The SDK retries 429/5xx itself; two retries keep a failing call within the artifact's budget. */
    static final int MAX_RETRIES = 2;
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private AnthropicClients() {}

    public static Optional<AnthropicClient> haiku(AnthropicConfig config) {
        return config.haikuApiKey().map(key -> new AnthropicClientImpl(ClientOptions.builder()
                .httpClient(new AnthropicHttp(OutgoingHttp.builder(CONNECT_TIMEOUT, TIMEOUT).build()))
                // The Messages API's documented header for API keys, which every gateway understands
                // (SDK 3.x would send a key given to it as "Authorization: Bearer"; none is, so it adds none).
                .putHeader("X-Api-Key", key.reveal())
                .baseUrl(config.baseUrl().toString().replaceAll("/+$", ""))
                .maxRetries(MAX_RETRIES)
                .timeout(TIMEOUT)
                .build()));
    }
}
