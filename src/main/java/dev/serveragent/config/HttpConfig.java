package dev.serveragent.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The HTTP server: where it listens, the bearer token of {@code /admin/*} (off when absent), and
 * what a slow client may hold: {@code bodyDeadline}, the time a request body must arrive within
 * (plus its declared length at the web layer's minimum rate; {@code HTTP_BODY_DEADLINE_SECONDS}),
 * and {@code idleTimeout}, after which a connection that sent nothing is closed
 * ({@code HTTP_IDLE_TIMEOUT_SECONDS}). A weak {@code ADMIN_TOKEN} is refused at start
 * ({@link TokenStrength}), with how to make one.
 */
public record HttpConfig(String bindHost, int port, Optional<Secret> adminToken, Duration bodyDeadline, Duration idleTimeout) {
    public static final String DEFAULT_BIND_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    /** 1 MiB (the webhook's cap) in 30 s is 35 KiB/s; a console message or a login is far smaller. */
    public static final Duration DEFAULT_BODY_DEADLINE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(20);
    /** Bounds of both timeouts, in seconds. */
    static final long MIN_TIMEOUT_SECONDS = 1;
    static final long MAX_TIMEOUT_SECONDS = 3600;

    public HttpConfig {
        adminToken.ifPresent(t -> {
            String weakness = TokenStrength.weakness(t.reveal());
            if (weakness != null) {
                throw new ConfigException("ADMIN_TOKEN is too weak (" + weakness + "): it guards the console, the dashboard "
                        + "and /admin/api/*, so it must be at least " + TokenStrength.MIN_LENGTH + " random characters; "
                        + "make one with: " + TokenStrength.HOW_TO_MAKE_ONE);
            }
        });
        requireTimeout("HTTP_BODY_DEADLINE_SECONDS", bodyDeadline);
        requireTimeout("HTTP_IDLE_TIMEOUT_SECONDS", idleTimeout);
    }

    /** {@link #from} reads both in range; this also holds a record built in code to it. */
    private static void requireTimeout(String name, Duration d) {
        if (d == null) {
            throw new ConfigException(name + ": no value");
        }
        if (d.compareTo(Duration.ofSeconds(MIN_TIMEOUT_SECONDS)) < 0 || d.compareTo(Duration.ofSeconds(MAX_TIMEOUT_SECONDS)) > 0) {
            throw new ConfigException(name + ": " + d.toMillis() + " ms is out of range ["
                    + MIN_TIMEOUT_SECONDS + " s, " + MAX_TIMEOUT_SECONDS + " s]");
        }
    }

    static HttpConfig from(Settings s) {
        return new HttpConfig(
                s.string("BIND_HOST", DEFAULT_BIND_HOST),
                s.integer("PORT", DEFAULT_PORT, 0, 65535),
                s.secret("ADMIN_TOKEN"),
                s.seconds("HTTP_BODY_DEADLINE_SECONDS", DEFAULT_BODY_DEADLINE, MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS),
                s.seconds("HTTP_IDLE_TIMEOUT_SECONDS", DEFAULT_IDLE_TIMEOUT, MIN_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS));
    }
}
