package dev.serveragent.claude;

import java.time.Duration;
import java.util.Optional;

/** One run of Claude Code in progress. */
public interface ClaudeRun {
    /** Waits for the end of the run; failures (timeout, cancel, crash, is_error, ceiling) are results, not exceptions. */
    ClaudeResult await() throws InterruptedException;

    /** Waits at most {@code timeout}; empty if the run has not finished by then. */
    Optional<ClaudeResult> await(Duration timeout) throws InterruptedException;

    /** Kills the whole process tree; {@link #await()} then returns {@link ClaudeResult.Failed} of kind CANCELED. Idempotent. */
    void cancel();
}
