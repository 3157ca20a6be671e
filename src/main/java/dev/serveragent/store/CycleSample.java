package dev.serveragent.store;

import java.time.Duration;
import java.time.Instant;

/** One finished proactive cycle as the governor sees it: when it ran and what it really cost. */
public record CycleSample(Instant started, Instant finished, long tokens) {
    public Duration duration() {
        return Duration.between(started, finished);
    }
}
