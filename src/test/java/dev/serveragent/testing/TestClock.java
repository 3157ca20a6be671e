package dev.serveragent.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one clock tests move by hand. Either fixed (stands still until {@link #advance} or
 * {@link #set}), or {@link #ticking()}: real time plus an offset the test moves forward, for the
 * few paths whose pacing must pass by itself (the outbox's per-chat interval, a lease) while the
 * test still jumps over a backoff or to a chosen moment. Thread-safe.
 */
public final class TestClock extends Clock {
    private final boolean ticking;
    private volatile Instant now;        // fixed: the instant
    private volatile Duration shift;     // ticking: the offset from real time

    public TestClock(Instant start) {
        this.ticking = false;
        this.now = start;
        this.shift = Duration.ZERO;
    }

    private TestClock(Duration shift) {
        this.ticking = true;
        this.shift = shift;
    }

    /** Real time, moved forward by {@link #advance}. */
    public static TestClock ticking() {
        return new TestClock(Duration.ZERO);
    }

    /** Real time, starting at {@code start} now, moved forward by {@link #advance}. */
    public static TestClock tickingFrom(Instant start) {
        return new TestClock(Duration.between(Instant.now(), start));
    }

    public synchronized void advance(Duration d) {
        if (ticking) {
            shift = shift.plus(d);
        } else {
            now = now.plus(d);
        }
    }

    public synchronized void set(Instant t) {
        if (ticking) {
            shift = Duration.between(Instant.now(), t);
        } else {
            now = t;
        }
    }

    @Override
    public Instant instant() {
        return ticking ? Instant.now().plus(shift) : now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
