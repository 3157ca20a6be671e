package dev.serveragent.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL left running by an agent that was killed ({@code kill -9} of its
 * process group does not reach it: {@code pg_ctl} starts the server in a session of its own).
 * It still holds {@code postmaster.pid}, and a new server on the same data directory would refuse
 * to start. Before starting, {@link #stop} finds it by that file and stops it: a smart shutdown
 * (SIGTERM; its clients died with the agent), then SIGKILL if it has not gone after
 * {@link #GRACE}. A lock file naming a process that is not this directory's server is stale and
 * is removed.
 */
final class OrphanedPostmaster {
    private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);
    static final Duration GRACE = Duration.ofSeconds(20);

    private OrphanedPostmaster() {}

    /** Stops the server that {@code dataDir/postmaster.pid} names, if it is still running. */
    static void stop(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        }
        Optional<ProcessHandle> holder = lines.isEmpty() ? Optional.empty()
                : parse(lines.getFirst()).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (holder.isEmpty()) {
            return; // a dead server's lock file: PostgreSQL itself replaces it
        }
        ProcessHandle p = holder.get();
        if (!isServerOf(p, dataDir)) {
            log.warn("{} names PID {}, which is not a PostgreSQL server of this directory: removing the stale lock file", pidFile, p.pid());
            Files.deleteIfExists(pidFile);
            return;
        }
        log.warn("An embedded PostgreSQL (PID {}) left by an earlier run still holds {}: stopping it", p.pid(), dataDir);
        p.destroy();
        if (!awaitExit(p, GRACE)) {
            log.warn("Embedded PostgreSQL (PID {}) did not stop within {} s: killing it", p.pid(), GRACE.toSeconds());
            p.destroyForcibly();
            if (!awaitExit(p, GRACE)) {
                throw new IOException("the PostgreSQL server left by an earlier run (PID " + p.pid() + ") holds "
                        + pidFile + " and does not stop");
            }
        }
    }

    private static Optional<Long> parse(String line) {
        try {
            return Optional.of(Long.parseLong(line.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Its command line names postgres and this data directory (Linux: /proc/PID/cmdline). */
    private static boolean isServerOf(ProcessHandle p, Path dataDir) {
        String command;
        try {
            command = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            command = p.info().commandLine().orElse("");
        }
        Path absolute = dataDir.toAbsolutePath().normalize();
        return command.contains("postgres")
                && (command.contains(absolute.toString()) || command.contains(dataDir.toString()));
    }

    private static boolean awaitExit(ProcessHandle p, Duration within) {
        try {
            p.onExit().get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }
}
