package dev.serveragent.store;

/**
 * The Postgres {@code NOTIFY} channels of the agent, named in one place: the statements that
 * notify and the {@link PgListener}s that listen spell them from here, so a renamed channel
 * cannot leave a listener deaf.
 */
public enum NotifyChannel {
    /** A {@code reactive_jobs} row is ready to run (queued, or approved); the payload is its id. */
    REACTIVE_JOBS("reactive_jobs"),
    /** A message's artifacts changed; the payload is the message id. */
    MESSAGE_ARTIFACTS("message_artifacts");

    private final String sqlName;

    NotifyChannel(String sqlName) {
        this.sqlName = sqlName;
    }

    /** The channel's name as {@code LISTEN} and {@code pg_notify} take it. */
    public String sqlName() {
        return sqlName;
    }
}
