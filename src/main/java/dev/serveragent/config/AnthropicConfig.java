package dev.serveragent.config;

import java.net.URI;
import java.util.Optional;

/** The Anthropic API, used for Haiku (classification, vision). {@code HAIKU_API_KEY} wins for Haiku calls. */
public record AnthropicConfig(Optional<Secret> apiKey, Optional<Secret> haikuKey, URI baseUrl, String haikuModel) {
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    public static final String DEFAULT_HAIKU_MODEL = "claude-haiku-4-5";

    static AnthropicConfig from(Settings s) {
        return new AnthropicConfig(
                s.secret("ANTHROPIC_API_KEY"),
                s.secret("HAIKU_API_KEY"),
                s.url("ANTHROPIC_BASE_URL", DEFAULT_BASE_URL),
                s.string("HAIKU_MODEL", DEFAULT_HAIKU_MODEL));
    }

    /** The key for Haiku calls, if any. */
    public Optional<Secret> haikuApiKey() {
        return haikuKey.or(() -> apiKey);
    }
}
