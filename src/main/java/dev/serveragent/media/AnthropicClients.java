package dev.serveragent.media;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import dev.serveragent.config.AnthropicConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the official Anthropic SDK client for Haiku calls (vision here, classification in the
 * reactive loop): key {@code HAIKU_API_KEY} or else {@code ANTHROPIC_API_KEY}, base URL
 * {@code ANTHROPIC_BASE_URL}. Empty when no key is configured. The client is thread-safe and
 * meant to be shared; close it at shutdown.
 */
public final class AnthropicClients {
    /** The SDK retries 429/5xx itself; two retries keep a failing call within the artifact's budget. */
    static final int MAX_RETRIES = 2;
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private AnthropicClients() {}

    public static Optional<AnthropicClient> haiku(AnthropicConfig config) {
        return config.haikuApiKey().map(key -> AnthropicOkHttpClient.builder()
                .apiKey(key.reveal())
                // SDK 3.x sends a static key as "Authorization: Bearer"; the Messages API's
                // documented header for API keys, which every gateway understands, is x-api-key.
                // With it present the SDK adds no Authorization header.
                .putHeader("X-Api-Key", key.reveal())
                .baseUrl(config.baseUrl().toString().replaceAll("/+$", ""))
                .maxRetries(MAX_RETRIES)
                .timeout(TIMEOUT)
                .build());
    }
}
