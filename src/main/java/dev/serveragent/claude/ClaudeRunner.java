package dev.serveragent.claude;

/**
 * Runs Claude Code headless. Implementations start a process per run; {@link #start} returns at
 * once and the run proceeds on its own threads. Thread-safe.
 */
public interface ClaudeRunner {
    /** Starts a run. Never throws for run failures: they come back as {@link ClaudeResult.Failed}. */
    ClaudeRun start(ClaudeRequest request);
}
