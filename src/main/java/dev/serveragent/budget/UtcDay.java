package dev.serveragent.budget;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The budget's day: a UTC calendar day, from midnight (inclusive) to the next midnight (exclusive). */
public final class UtcDay {
    private UtcDay() {}

    public static Instant startOf(Instant t) {
        return t.truncatedTo(ChronoUnit.DAYS);
    }

    public static Instant nextMidnight(Instant t) {
        return startOf(t).plus(1, ChronoUnit.DAYS);
    }
}
