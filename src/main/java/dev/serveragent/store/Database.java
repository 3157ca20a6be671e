package dev.serveragent.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.serveragent.config.DatabaseUrl;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool, the schema migrations and the {@link Jdbi} handle every repository uses.
 * Thread-safe; owns the pool and closes it.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    static final String MIGRATIONS = "classpath:db/migration";

    private final HikariDataSource dataSource;
    private final DatabaseUrl url;
    private final Jdbi jdbi;
    private final Flyway flyway;
    private volatile String expectedVersion;

    private Database(HikariDataSource dataSource, DatabaseUrl url) {
        this.dataSource = dataSource;
        this.url = url;
        this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
        this.flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations(MIGRATIONS)
                .failOnMissingLocations(true)
                .load();
        // Known after migrate(); asked of Flyway only if readiness is checked without it (each
        // flyway.info() scans and validates every migration: a large part of the start-up).
        this.expectedVersion = null;
    }

    /** Opens a pool; fails fast, with words, when the server cannot be reached. */
    public static Database open(DatabaseUrl url, int maxPoolSize, Optional<MeterRegistry> metrics) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("server-agent");
        hc.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(hc::setUsername);
        url.password().ifPresent(p -> hc.setPassword(p.reveal()));
        hc.setMaximumPoolSize(maxPoolSize);
        hc.setMinimumIdle(Math.min(2, maxPoolSize));
        // Short waits: /readyz must answer while the database is away, and callers of a dead
        // database should fail in seconds, not hang.
        hc.setConnectionTimeout(3_000);
        hc.setValidationTimeout(1_000);
        hc.setInitializationFailTimeout(5_000);
        hc.addDataSourceProperty("ApplicationName", "server-agent");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        metrics.ifPresent(r -> hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(r)));
        try {
            return new Database(new HikariDataSource(hc), url);
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException("Cannot connect to PostgreSQL at " + url.jdbcUrl() + ": "
                    + rootMessage(e) + " (check DATABASE_URL, or unset it to use the embedded database)", e);
        }
    }

    /**
     * Initializes, without a server, the classes {@link #open} and {@link #migrate} need (the pool, Jdbi
     * with its Postgres plugin, Flyway and its plugins), so that a start can do it while it waits for
     * something else (the embedded server). Nothing is connected or kept.
     */
    public static void warmUp() {
        new HikariConfig().setPoolName("warm-up");
        Jdbi.create(() -> {
            throw new SQLException("warm-up only: no connection");
        }).installPlugin(new PostgresPlugin());
        Flyway.configure().locations(MIGRATIONS).failOnMissingLocations(true);
    }

    /** Applies pending migrations. Safe to run again: a migrated database is left as it is. */
    public MigrateResult migrate() {
        try {
            MigrateResult result = flyway.migrate();
            // After a successful migrate the schema is at the latest version this build has (or at a
            // newer replica's): the version reached, without a second scan through flyway.info().
            String reached = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
            expectedVersion = reached != null ? reached : latestAvailableVersion(flyway);
            log.info("Schema at version {} ({} migration(s) applied now)", expectedVersion, result.migrationsExecuted);
            return result;
        } catch (FlywayException e) {
            throw new DatabaseUnavailableException("Database migration failed: " + e.getMessage(), e);
        }
    }

    /** Why the database is not ready, or empty when it is reachable and fully migrated. */
    public Optional<String> notReadyReason() {
        try (Connection c = dataSource.getConnection();
                var st = c.prepareStatement(
                        "select count(*) from flyway_schema_history where success and version = ?")) {
            st.setQueryTimeout(2);
            if (expectedVersion == null) {
                expectedVersion = latestAvailableVersion(flyway);
            }
            st.setString(1, expectedVersion);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1) > 0 ? Optional.empty() : Optional.of("migrations not applied (expected version " + expectedVersion + ")");
            }
        } catch (SQLException e) {
            return Optional.of("database unreachable: " + rootMessage(e));
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * A new connection outside the pool, owned by the caller, for session state that must live
     * and die with one connection (advisory locks: see {@link LeaderLock}).
     */
    public Connection dedicatedConnection(String applicationName) throws SQLException {
        java.util.Properties p = new java.util.Properties();
        url.user().ifPresent(u -> p.setProperty("user", u));
        url.password().ifPresent(pw -> p.setProperty("password", pw.reveal()));
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("connectTimeout", "3");
        p.setProperty("socketTimeout", "30");
        return java.sql.DriverManager.getConnection(url.jdbcUrl(), p);
    }

    @Override
    public void close() {
        dataSource.close();
    }

    private static String latestAvailableVersion(Flyway flyway) {
        String latest = null;
        for (MigrationInfo mi : flyway.info().all()) {
            if (mi.getVersion() != null) {
                latest = mi.getVersion().getVersion();
            }
        }
        return latest;
    }

    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
