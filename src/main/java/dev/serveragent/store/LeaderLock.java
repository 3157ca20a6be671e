package dev.serveragent.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership among replicas: a session-level Postgres advisory lock held on a dedicated
 * connection (outside the pool, so the pool can never recycle it and silently drop the lock).
 * When the holder dies, its connection dies and Postgres releases the lock: at once when the
 * process exits, and within about 25 s when its host or network vanishes, because this session
 * asks the server for short TCP keepalives ({@code tcp_keepalives_*} are per-session settings).
 *
 * <p>Not thread-safe: one scheduler thread owns it.
 */
public final class LeaderLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderLock.class);

    /** Opens a new connection that is not part of any pool. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final ConnectionSource source;
    private final long key;
    private Connection connection;
    private int backendPid;

    public LeaderLock(ConnectionSource source, long key) {
        this.source = source;
        this.key = key;
    }

    /**
     * True when this instance holds the lock now: checks a held lock's connection is alive, or
     * tries once to take the lock on a fresh connection. Never blocks beyond a few seconds.
     */
    public boolean tryAcquire() {
        if (connection != null) {
            if (alive()) {
                return true;
            }
            log.warn("Leader connection lost: leadership given up");
            close(connection);
            connection = null;
        }
        try {
            Connection c = source.open();
            try (var st = c.createStatement()) {
                st.setQueryTimeout(5);
                // The server notices a vanished leader within idle + interval * count = 10 + 5 * 3 s.
                st.execute("set tcp_keepalives_idle = 10; set tcp_keepalives_interval = 5; set tcp_keepalives_count = 3");
                try (var rs = st.executeQuery("select pg_try_advisory_lock(" + key + "), pg_backend_pid()")) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        connection = c;
                        backendPid = rs.getInt(2);
                        return true;
                    }
                }
            }
            c.close();
            return false;
        } catch (SQLException e) {
            log.debug("Leader lock not taken: {}", e.getMessage());
            return false;
        }
    }

    /** Whether the lock is held on a live connection (one round trip). */
    public boolean isHeld() {
        return connection != null && alive();
    }

    /** The server process id of the lock's session, while held (tests use it to kill the session). */
    public OptionalInt backendPid() {
        return connection == null ? OptionalInt.empty() : OptionalInt.of(backendPid);
    }

    private boolean alive() {
        try {
            return connection.isValid(3);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Gives the lock up: unlocks it, so that another replica (or the next process) can take it at
     * once, then closes its connection. Closing alone releases it too, but only once the server
     * has ended the session, a moment later. Idempotent.
     */
    public void release() {
        if (connection == null) {
            return;
        }
        try (var st = connection.createStatement()) {
            st.setQueryTimeout(2);
            st.execute("select pg_advisory_unlock(" + key + ")");
        } catch (SQLException e) {
            // A lost connection: the server releases the lock with its session.
        }
        close(connection);
        connection = null;
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // The connection is gone either way, and with it the lock.
        }
    }

    @Override
    public void close() {
        release();
    }
}
