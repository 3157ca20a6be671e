package dev.serveragent.config;

import java.util.Optional;

/**
 * The HTTP server: where it listens and the bearer token of {@code /admin/*} (off when absent).
 * A weak {@code ADMIN_TOKEN} is refused at start ({@link TokenStrength}), with how to make one.
 */
public record HttpConfig(String bindHost, int port, Optional<Secret> adminToken) {
    public static final String DEFAULT_BIND_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;

    public HttpConfig {
        adminToken.ifPresent(t -> {
            String weakness = TokenStrength.weakness(t.reveal());
            if (weakness != null) {
                throw new ConfigException("ADMIN_TOKEN is too weak (" + weakness + "): it guards the console, the dashboard "
                        + "and /admin/api/*, so it must be at least " + TokenStrength.MIN_LENGTH + " random characters; "
                        + "make one with: " + TokenStrength.HOW_TO_MAKE_ONE);
            }
        });
    }

    static HttpConfig from(Settings s) {
        return new HttpConfig(
                s.string("BIND_HOST", DEFAULT_BIND_HOST),
                s.integer("PORT", DEFAULT_PORT, 0, 65535),
                s.secret("ADMIN_TOKEN"));
    }
}
