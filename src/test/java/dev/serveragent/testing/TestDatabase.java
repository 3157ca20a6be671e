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
    private static DatabaseUrl server;

    private final DatabaseUrl url;
    private final String name;
    private final Database database;

    private TestDatabase(DatabaseUrl url, String name, Database database) {
        this.url = url;
        this.name = name;
        this.database = database;
    }

    /** A new database with every migration applied. */
    public static TestDatabase create() {
        TestDatabase db = createEmpty();
        db.database.migrate();
        return db;
    }

    /** A new database with no schema (for migration tests). */
    public static TestDatabase createEmpty() {
        DatabaseUrl admin = server();
        String name = "sa_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute(admin, "create database " + name);
        DatabaseUrl url = new DatabaseUrl(admin.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1"), admin.user(), admin.password());
        return new TestDatabase(url, name, Database.open(url, 5, Optional.empty()));
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

    static void execute(DatabaseUrl url, String sql) {
        Properties p = new Properties();
        url.user().ifPresent(u -> p.setProperty("user", u));
        url.password().ifPresent(pw -> p.setProperty("password", pw.reveal()));
        try (Connection c = DriverManager.getConnection(url.jdbcUrl(), p); var st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test database setup failed: " + sql + ": " + e.getMessage(), e);
        }
    }
}
