package dev.serveragent.config;

import java.net.URI;
import java.util.Optional;

/** An OpenAI-compatible {@code /v1/audio/transcriptions} endpoint; without a URL voice is kept, not transcribed. */
public record TranscribeConfig(Optional<URI> url, Optional<Secret> apiKey, String model) {
    public static final String DEFAULT_MODEL = "whisper-1";

    static TranscribeConfig from(Settings s) {
        return new TranscribeConfig(
                Optional.ofNullable(s.url("TRANSCRIBE_URL", null)),
                s.secret("TRANSCRIBE_API_KEY"),
                s.string("TRANSCRIBE_MODEL", DEFAULT_MODEL));
    }
}
