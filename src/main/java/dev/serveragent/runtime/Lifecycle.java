package dev.serveragent.runtime;

/**
 * The one lifecycle of every background component (listeners, workers, pollers, senders,
 * schedulers). Both methods are idempotent: calling {@code start()} on a started component or
 * {@code stop()} on a stopped one does nothing. {@code stop()} returns once the component's
 * threads have finished or the component's own bound has passed.
 */
public interface Lifecycle {
    /** How long a component's loop gets to finish what it is doing once told to stop. */
    java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(10);
    /** How long an interrupted loop then gets to end. */
    java.time.Duration AFTER_INTERRUPT = java.time.Duration.ofSeconds(5);

    void start();

    void stop();

    /**
     * Waits for a component's loop thread to end after it was told to stop, interrupting it only
     * if it has not within {@link #STOP_GRACE}: interrupting a virtual thread in JDBC or socket I/O
     * closes the connection under it, so a database call or a send in progress is let finish.
     */
    static void awaitEnd(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            if (!thread.join(STOP_GRACE)) {
                thread.interrupt();
                thread.join(AFTER_INTERRUPT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
