package dev.serveragent;

/**
 * The one lifecycle of every background component (listeners, workers, pollers, senders,
 * schedulers). Both methods are idempotent: calling {@code start()} on a started component or
 * {@code stop()} on a stopped one does nothing. {@code stop()} returns once the component's
 * threads have finished or the component's own bound has passed.
 */
public interface Lifecycle {
    void start();

    void stop();
}
