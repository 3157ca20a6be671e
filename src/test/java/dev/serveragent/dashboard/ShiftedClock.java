package dev.serveragent.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Real time (the outbox's pacing needs it to pass) starting at a chosen instant, moved forward by tests. */
final class ShiftedClock extends Clock {
    private volatile Duration shift;

    ShiftedClock(Instant start) {
        shift = Duration.between(Instant.now(), start);
    }

    void advance(Duration d) {
        shift = shift.plus(d);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(shift);
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
