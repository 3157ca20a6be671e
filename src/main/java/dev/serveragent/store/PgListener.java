package dev.serveragent.store;

import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.runtime.Loop;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Holds one connection that {@code LISTEN}s on the given channels and passes each notification's
 * payload to the callback, on one {@link Loop}. When the connection breaks it reconnects after
 * a pause and calls the callback with {@code null}, because notifications sent meanwhile are lost
 * and the consumer must look at the tables again. Callers keep a slow poll as well: a
 * notification is a wake-up, never the only way work is found.
 */
public final class PgListener implements Lifecycle {
    /**
     * How long one pass waits for a notification (one that arrives ends the wait at once). It
     * bounds how long {@link #stop()} waits for the pass, at every stop of the agent (at 500 ms
     * it was most of an in-process stop's time). A wait is a socket read with a timeout on the held
     * connection, nothing is sent to the server, so a short one costs nothing while idle.
     */
    private static final Duration WAIT = Duration.ofMillis(100);
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(2);

    private final DataSource dataSource;
    private final List<String> channels;
    private final Consumer<String> onNotify;
    private final Loop loop;
    // Touched by the loop's thread only:
    private Connection connection;
    private boolean first = true;

    public PgListener(DataSource dataSource, List<String> channels, Consumer<String> onNotify) {
        for (String c : channels) {
            if (!c.matches("[a-z_][a-z0-9_]*")) {
                throw new IllegalArgumentException("not a channel name: " + c);
            }
        }
        this.dataSource = dataSource;
        this.channels = List.copyOf(channels);
        this.onNotify = onNotify;
        this.loop = Loop.named("pg-listen-" + String.join("-", channels), this::runOnce)
                .onError(RECONNECT_PAUSE, RECONNECT_PAUSE).describedAs("LISTEN " + channels + " (reconnecting)")
                .onEnd(this::disconnect).build();
    }

    @Override
    public synchronized void start() {
        if (!loop.running()) {
            first = true;
            loop.start();
        }
    }

    @Override
    public synchronized void stop() {
        loop.stop(); // the pass sees it within one WAIT
    }

    /** One pass: (re)connects and listens if need be, then passes on what arrives within {@link #WAIT}. */
    private Loop.Next runOnce() {
        try {
            if (connection == null) {
                Connection c = dataSource.getConnection();
                connection = c;
                try (var st = c.createStatement()) {
                    for (String ch : channels) {
                        st.execute("listen " + ch);
                    }
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
                if (!first) {
                    onNotify.accept(null); // reconnected: anything sent meanwhile was missed
                }
                first = false;
            }
            PGNotification[] notes = connection.unwrap(PGConnection.class).getNotifications((int) WAIT.toMillis());
            if (notes != null) {
                for (PGNotification n : notes) {
                    onNotify.accept(n.getParameter());
                }
            }
            return Loop.Next.again();
        } catch (SQLException | RuntimeException e) {
            disconnect();
            if (loop.stopping()) {
                return Loop.Next.idle(Duration.ZERO);
            }
            throw new IllegalStateException("lost its connection: " + e.getMessage(), e);
        }
    }

    private void disconnect() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // gone either way
            }
        }
    }
}
