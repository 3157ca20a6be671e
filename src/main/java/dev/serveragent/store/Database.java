package dev.serveragent.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.serveragent.config.DatabaseUrl;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
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
    static final String LOCATION = "db/migration";
    static final String MIGRATIONS = "classpath:" + LOCATION;

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
        carried();
    }

    /**
     * Applies pending migrations. Safe to run again: a migrated database is left as it is. When the
     * schema history already holds exactly the migrations this build carries (same versions, same
     * checksums, all successful) one query says so and Flyway is not run: nothing would be applied
     * and its validation would pass. Anything else (a pending, failed, edited, newer or repeatable
     * migration, or migrations that cannot be listed plainly) goes through Flyway as before.
     */
    public MigrateResult migrate() {
        Optional<String> current = carried().flatMap(this::upToDate);
        if (current.isPresent()) {
            expectedVersion = current.get();
            log.info("Schema at version {} (0 migration(s) applied now)", expectedVersion);
            MigrateResult result = new MigrateResult();
            result.initialSchemaVersion = expectedVersion;
            result.targetSchemaVersion = expectedVersion;
            result.success = true;
            return result;
        }
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

    /** A versioned SQL migration as Flyway's schema history records it once applied. */
    record Migration(String version, int checksum) {}

    /** The migrations of this build, once read (the start-up's warm-up reads them while the embedded server starts). */
    private static volatile Optional<List<Migration>> carried;

    static Optional<List<Migration>> carried() {
        Optional<List<Migration>> c = carried;
        if (c == null) {
            c = readMigrations(Database.class.getClassLoader());
            carried = c;
        }
        return c;
    }

    /** The latest version when the history holds exactly {@code carried}, all successful; else empty. */
    Optional<String> upToDate(List<Migration> carried) {
        try (Connection c = dataSource.getConnection()) {
            Set<Migration> applied = new HashSet<>();
            try (var st = c.createStatement()) {
                if (!st.executeQuery("select 1 from pg_tables where schemaname = current_schema() and tablename = 'flyway_schema_history'").next()) {
                    return Optional.empty();
                }
                try (var rs = st.executeQuery("select version, checksum, type, success from flyway_schema_history")) {
                    while (rs.next()) {
                        int checksum = rs.getInt(2);
                        if (rs.wasNull() || rs.getString(1) == null || !"SQL".equals(rs.getString(3)) || !rs.getBoolean(4)
                                || !applied.add(new Migration(rs.getString(1), checksum))) {
                            return Optional.empty();
                        }
                    }
                }
            }
            if (!applied.equals(new HashSet<>(carried))) {
                return Optional.empty();
            }
            return carried.stream().map(Migration::version).max(java.util.Comparator.comparing(org.flywaydb.core.api.MigrationVersion::fromVersion));
        } catch (SQLException e) {
            return Optional.empty(); // Flyway then meets the same problem and reports it
        }
    }

    /**
     * The versioned SQL migrations under {@link #LOCATION}, with Flyway's checksum (CRC32 of the
     * lines without their line breaks, UTF-8, a leading BOM dropped); empty unless they sit in one
     * place (a jar or a directory) and are all {@code V<version>__<description>.sql}.
     */
    static Optional<List<Migration>> readMigrations(ClassLoader loader) {
        try {
            List<URL> roots = Collections.list(loader.getResources(LOCATION));
            if (roots.size() != 1) {
                return Optional.empty();
            }
            URL root = roots.get(0);
            List<String> names = new ArrayList<>();
            switch (root.getProtocol()) {
                case "file" -> {
                    try (var files = Files.list(Path.of(root.toURI()))) {
                        files.forEach(f -> names.add(f.getFileName().toString()));
                    }
                }
                case "jar" -> {
                    var connection = (java.net.JarURLConnection) root.openConnection();
                    connection.setUseCaches(false);
                    try (JarFile jar = connection.getJarFile()) {
                        String prefix = LOCATION + "/";
                        for (var e = jar.entries(); e.hasMoreElements(); ) {
                            String name = e.nextElement().getName();
                            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                                names.add(name.substring(prefix.length()));
                            }
                        }
                    }
                }
                default -> {
                    return Optional.empty();
                }
            }
            List<Migration> migrations = new ArrayList<>();
            for (String name : names) {
                Matcher m = VERSIONED.matcher(name);
                if (!m.matches()) {
                    return Optional.empty();
                }
                try (var in = loader.getResourceAsStream(LOCATION + "/" + name)) {
                    if (in == null) {
                        return Optional.empty();
                    }
                    migrations.add(new Migration(org.flywaydb.core.api.MigrationVersion.fromVersion(m.group(1).replace('_', '.')).getVersion(), checksum(in)));
                }
            }
            return migrations.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(migrations));
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static final Pattern VERSIONED = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__[^/]+\\.sql");

    /** Flyway's checksum of a SQL migration. */
    static int checksum(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 4096)) {
            String line = reader.readLine();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            for (; line != null; line = reader.readLine()) {
                crc.update(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return (int) crc.getValue();
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
