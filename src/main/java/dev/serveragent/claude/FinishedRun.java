package dev.serveragent.claude;

import java.time.Duration;
import java.util.Optional;

/** A run that ended before it started (no executable, no working directory). */
record FinishedRun(ClaudeResult result) implements ClaudeRun {
    @Override
    public ClaudeResult await() {
        return result;
    }

    @Override
    public Optional<ClaudeResult> await(Duration timeout) {
        return Optional.of(result);
    }

    @Override
    public void cancel() {
        // nothing is running
    }
}
