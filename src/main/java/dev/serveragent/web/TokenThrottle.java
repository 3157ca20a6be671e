package dev.serveragent.web;

import dev.serveragent.config.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check of {@code ADMIN_TOKEN}, however it is presented (login form or
 * {@code Authorization: Bearer}), with one count of wrong tokens per client address: past
 * {@link #MAX_FAILURES} in {@link #WINDOW} a wrong token is answered {@link Verdict#THROTTLED}
 * (HTTP 429 with {@code Retry-After}) and the log says so once per window.
 *
 * <p>The correct token is always {@link Verdict#ACCEPTED}, throttled address or not: behind a
 * reverse proxy every client shares one address, so a lock-out would let anyone lock the owner
 * out. What makes guessing hopeless is the token's strength ({@code HttpConfig} refuses one under
 * 128 bits: at 1,000 guesses a second that is ~10^28 years), not the throttle; the throttle tells
 * clients to back off and makes a guessing run visible. Thread-safe.
 */
public final class TokenThrottle {
    private static final Logger log = LoggerFactory.getLogger(TokenThrottle.class);
    public static final int MAX_FAILURES = 10;
    public static final Duration WINDOW = Duration.ofMinutes(10);
    /** Addresses remembered at most; past it, stale ones are dropped (a spray from many addresses). */
    static final int MAX_CLIENTS = 10_000;

    /** The outcome of one presented token. */
    public enum Verdict { ACCEPTED, WRONG, THROTTLED }

    private final Secret token;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public TokenThrottle(Secret token, Clock clock) {
        this.token = token;
        this.clock = clock;
    }

    /** Compares {@code presented} (constant time) and counts it against {@code client} when wrong. */
    public Verdict verify(String client, String presented) {
        if (presented != null && token.matches(presented)) {
            return Verdict.ACCEPTED;
        }
        Instant now = clock.instant();
        if (failures.size() >= MAX_CLIENTS && !failures.containsKey(client)) {
            failures.values().removeIf(d -> { synchronized (d) { return d.isEmpty() || d.peekLast().isBefore(now.minus(WINDOW)); } });
            if (failures.size() >= MAX_CLIENTS) {
                // A spray from more addresses than we remember: a new address is throttled until old
                // ones age out, so memory stays bounded (the right token is still accepted above).
                return Verdict.THROTTLED;
            }
        }
        Deque<Instant> seen = failures.computeIfAbsent(client, k -> new ArrayDeque<>());
        synchronized (seen) {
            while (!seen.isEmpty() && seen.peekFirst().isBefore(now.minus(WINDOW))) {
                seen.pollFirst();
            }
            if (seen.size() >= MAX_FAILURES) {
                return Verdict.THROTTLED; // not counted further: the deque stays bounded
            }
            seen.addLast(now);
            if (seen.size() == MAX_FAILURES) {
                log.warn("{} wrong admin tokens from {} in {} minutes: further wrong tokens get 429 (the right token still works)",
                        MAX_FAILURES, client, WINDOW.toMinutes());
            }
            return Verdict.WRONG;
        }
    }

    /** Seconds until {@code client}'s oldest counted failure leaves the window (for {@code Retry-After}). */
    public long retryAfterSeconds(String client) {
        Deque<Instant> seen = failures.get(client);
        if (seen == null) {
            return 0;
        }
        synchronized (seen) {
            Instant oldest = seen.peekFirst();
            return oldest == null ? 0 : Math.max(1, Duration.between(clock.instant(), oldest.plus(WINDOW)).toSeconds());
        }
    }
}
