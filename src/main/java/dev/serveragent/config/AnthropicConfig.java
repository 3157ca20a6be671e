package dev.serveragent.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The Anthropic API, used for Haiku (classification, vision). {@code HAIKU_API_KEY} wins for Haiku
 * calls. {@code classifierTimeout} bounds one classification attempt ({@code HAIKU_TIMEOUT_SECONDS}):
 * the acknowledgement waits on it, so it fails over to the fallback acknowledgement quickly.
 */
public record AnthropicConfig(Optional<Secret> apiKey, Optional<Secret> haikuKey, URI baseUrl, String haikuModel, Duration classifierTimeout) {
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    public static final String DEFAULT_HAIKU_MODEL = "claude-haiku-4-5";
    public static final Duration DEFAULT_CLASSIFIER_TIMEOUT = Duration.ofSeconds(20);

    static AnthropicConfig from(Settings s) {
        return new AnthropicConfig(
                s.secret("ANTHROPIC_API_KEY"),
                s.secret("HAIKU_API_KEY"),
                s.url("ANTHROPIC_BASE_URL", DEFAULT_BASE_URL),
                s.string("HAIKU_MODEL", DEFAULT_HAIKU_MODEL),
                s.seconds("HAIKU_TIMEOUT_SECONDS", DEFAULT_CLASSIFIER_TIMEOUT, 1, 300));
    }

    /** The key for Haiku calls, if any. */
    public Optional<Secret> haikuApiKey() {
        return haikuKey.or(() -> apiKey);
    }
}
