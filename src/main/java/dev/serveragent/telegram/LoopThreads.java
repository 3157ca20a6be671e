package dev.serveragent.telegram;

import java.time.Duration;

/** Stopping the virtual thread that runs a Telegram background loop (long poller, outbox sender). */
final class LoopThreads {
    /** How long a loop gets to finish what it is doing once told to stop. */
    static final Duration GRACE = Duration.ofSeconds(10);
    /** How long an interrupted loop then gets to end. */
    static final Duration AFTER_INTERRUPT = Duration.ofSeconds(5);

    private LoopThreads() {}

    /**
     * Waits for {@code thread} to end, interrupting it only if it has not within {@link #GRACE}:
     * interrupting a virtual thread in JDBC I/O closes the connection under it, so a send or a
     * database call in progress is let finish.
     */
    static void awaitEnd(Thread thread) {
        try {
            if (!thread.join(GRACE)) {
                thread.interrupt();
                thread.join(AFTER_INTERRUPT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
