package dev.serveragent.store;

import dev.serveragent.runtime.Lifecycle;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one connection that {@code LISTEN}s on the given channels and passes each notification's
 * payload to the callback, on one virtual thread. When the connection breaks it reconnects after
 * a pause and calls the callback with {@code null}, because notifications sent meanwhile are lost
 * and the consumer must look at the tables again. Callers keep a slow poll as well: a
 * notification is a wake-up, never the only way work is found.
 */
public final class PgListener implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(PgListener.class);
    private static final Duration WAIT = Duration.ofMillis(500);
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(2);

    private final DataSource dataSource;
    private final List<String> channels;
    private final Consumer<String> onNotify;
    private volatile boolean running;
    private volatile java.util.concurrent.CountDownLatch stopping;
    private Thread thread;

    public PgListener(DataSource dataSource, List<String> channels, Consumer<String> onNotify) {
        for (String c : channels) {
            if (!c.matches("[a-z_][a-z0-9_]*")) {
                throw new IllegalArgumentException("not a channel name: " + c);
            }
        }
        this.dataSource = dataSource;
        this.channels = List.copyOf(channels);
        this.onNotify = onNotify;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        stopping = new java.util.concurrent.CountDownLatch(1);
        thread = Thread.ofVirtual().name("pg-listen-" + String.join("-", channels)).start(this::loop);
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        stopping.countDown();
        Lifecycle.awaitEnd(thread); // the loop sees the flag within one WAIT
    }

    private void loop() {
        boolean first = true;
        while (running) {
            try (Connection c = dataSource.getConnection()) {
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
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notes = pg.getNotifications((int) WAIT.toMillis());
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            onNotify.accept(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("LISTEN {} lost its connection ({}); reconnecting", channels, e.getMessage());
                try {
                    stopping.await(RECONNECT_PAUSE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }
}
