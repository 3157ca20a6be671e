package dev.serveragent.testing;

import dev.serveragent.config.DatabaseUrl;
import dev.serveragent.store.Database;
import dev.serveragent.store.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * A fresh, migrated database on a real Postgres for one test class (or one test): on the server
 * named by {@code TEST_DATABASE_URL}, or else on an embedded Postgres started once per JVM.
 * Each instance creates its own database, so test classes never see each other's rows and can
 * use commits and LISTEN/NOTIFY freely. {@link #close()} drops it.
 *
 * <pre>{@code
 * @AutoClose static final TestDatabase db = TestDatabase.create();   // then db.jdbi(), db.url(), db.database()
 * }</pre>
 */
public final class TestDatabase implements AutoCloseable {
    /**
     * Connections of a test's own pool (it holds two until more are wanted). Ten, not five: with test
     * classes in parallel on two busy cores, ClosingBotApiTest's 50 senders on one pool of five waited
     * out Hikari's 3 s connection timeout.
     */
    static final int POOL = 10;
    private static DatabaseUrl server;
    private static String template;
    private static String copyStrategy;

    private final DatabaseUrl url;
    private final String name;
    private final Database database;

    private TestDatabase(DatabaseUrl url, String name, Database database) {
        this.url = url;
        this.name = name;
        this.database = database;
    }

    /**
     * A new database with every migration applied: a copy of a template migrated once per JVM
     * ({@code CREATE DATABASE … TEMPLATE}), which costs a fraction of running every migration again.
     */
    public static TestDatabase create() {
        String name = newName();
        execute(server(), "create database " + name + " template " + migratedTemplate() + copyStrategy());
        return open(name);
    }

    /**
     * {@code STRATEGY FILE_COPY} where the server knows it (PostgreSQL 15+): a checkpoint and a copy
     * of the template's files, about 0.1 s here, where 15's default ({@code WAL_LOG}) writes the whole
     * template through the WAL, about 0.45 s, for each of the suite's two hundred databases.
     */
    private static synchronized String copyStrategy() {
        if (copyStrategy == null) {
            copyStrategy = serverVersion() >= 150_000 ? " strategy file_copy" : "";
        }
        return copyStrategy;
    }

    private static int serverVersion() {
        try (Connection c = connect(server()); var st = c.createStatement(); var rs = st.executeQuery("show server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException("Test database setup failed: show server_version_num: " + e.getMessage(), e);
        }
    }

    /** A new database with no schema (for migration tests). */
    public static TestDatabase createEmpty() {
        String name = newName();
        execute(server(), "create database " + name);
        return open(name);
    }

    /**
     * The per-JVM template: migrated once, then left without connections (Postgres copies a
     * template only while nobody is connected to it) and dropped when the JVM exits.
     */
    private static synchronized String migratedTemplate() {
        if (template == null) {
            String name = "sa_tmpl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            execute(server(), "create database " + name);
            try (Database db = open(name).database) {
                db.migrate();
            } catch (RuntimeException e) {
                dropQuietly(name);
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> dropQuietly(name)));
            template = name;
        }
        return template;
    }

    /** At JVM exit the embedded server may already be stopping: a template left there goes with it. */
    private static void dropQuietly(String name) {
        try {
            execute(server(), "drop database if exists " + name + " with (force)");
        } catch (RuntimeException e) {
            System.err.println("TestDatabase: template " + name + " not dropped: " + e.getMessage());
        }
    }

    private static String newName() {
        return "sa_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    private static TestDatabase open(String name) {
        DatabaseUrl admin = server();
        DatabaseUrl url = new DatabaseUrl(admin.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1"), admin.user(), admin.password());
        return new TestDatabase(url, name, Database.open(url, POOL, Optional.empty()));
    }

    /** The server's admin location: {@code TEST_DATABASE_URL} or the per-JVM embedded server. */
    public static synchronized DatabaseUrl server() {
        if (server == null) {
            String env = System.getenv("TEST_DATABASE_URL");
            if (env != null && !env.isBlank()) {
                server = DatabaseUrl.parse("TEST_DATABASE_URL", env);
            } else {
                try {
                    Path dir = Files.createTempDirectory("sa-test-pg");
                    EmbeddedDatabase embedded = EmbeddedDatabase.start(dir);
                    Runtime.getRuntime().addShutdownHook(new Thread(embedded::close));
                    server = embedded.url();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return server;
    }

    public DatabaseUrl url() {
        return url;
    }

    /** {@code postgres://} form, as an operator would put in DATABASE_URL. */
    public String databaseUrlEnv() {
        return url.jdbcUrl()
                + (url.user().isPresent() ? (url.jdbcUrl().contains("?") ? "&" : "?") + "user=" + url.user().get() : "")
                + url.password().map(p -> "&password=" + p.reveal()).orElse("");
    }

    public Database database() {
        return database;
    }

    public Jdbi jdbi() {
        return database.jdbi();
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        database.close();
        execute(server(), "drop database if exists " + name + " with (force)");
    }

    private static Connection connect(DatabaseUrl url) throws SQLException {
        Properties p = new Properties();
        url.user().ifPresent(u -> p.setProperty("user", u));
        url.password().ifPresent(pw -> p.setProperty("password", pw.reveal()));
        return DriverManager.getConnection(url.jdbcUrl(), p);
    }

    static void execute(DatabaseUrl url, String sql) {
        try (Connection c = connect(url); var st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test database setup failed: " + sql + ": " + e.getMessage(), e);
        }
    }
}
