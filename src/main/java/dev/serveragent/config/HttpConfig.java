package dev.serveragent.config;

import java.util.Optional;

/** The HTTP server: where it listens and the bearer token of {@code /admin/*} (off when absent). */
public record HttpConfig(String bindHost, int port, Optional<Secret> adminToken) {
    public static final String DEFAULT_BIND_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;

    static HttpConfig from(Settings s) {
        return new HttpConfig(
                s.string("BIND_HOST", DEFAULT_BIND_HOST),
                s.integer("PORT", DEFAULT_PORT, 0, 65535),
                s.secret("ADMIN_TOKEN"));
    }
}
