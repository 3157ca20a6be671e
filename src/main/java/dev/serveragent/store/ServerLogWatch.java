package dev.serveragent.store;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Watches the embedded server's log while it starts. zonky waits up to its whole startup wait for
 * a server that has already given up, and PostgreSQL's reason ("FATAL: lock file ... already
 * exists") appears only in that log. {@code pg_ctl}'s "could not start server" ends the wait at
 * once by interrupting the starting thread, and {@link #stop} returns the server's first
 * {@code FATAL}/{@code PANIC} line before it as the cause.
 */
final class ServerLogWatch {
    private static final long POLL_MS = 100;
    /** What {@code pg_ctl -w start} prints when the server exited before it was ready. */
    static final String GAVE_UP = "could not start server";
    private final AtomicReference<String> reason = new AtomicReference<>();
    private final AtomicReference<String> fatal = new AtomicReference<>();
    private final Thread watcher;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

    private ServerLogWatch(Path logFile, long from, Thread starter) {
        watcher = Thread.ofVirtual().name("embedded-pg-log").start(() -> watch(logFile, from, starter));
    }

    /** Watches what is appended to {@code logFile} from now on; interrupts {@code starter} on a fatal line. */
    static ServerLogWatch start(Path logFile, Thread starter) throws IOException {
        return new ServerLogWatch(logFile, Files.exists(logFile) ? Files.size(logFile) : 0, starter);
    }

    /**
     * The server's first {@code FATAL}/{@code PANIC} line seen so far, with or without {@code
     * pg_ctl}'s "could not start server" after it: for a start that failed on its own (call after
     * {@link #stop}).
     */
    Optional<String> reason() {
        return Optional.ofNullable(reason.get());
    }

    /**
     * Stops watching; once {@code pg_ctl} gave up, the server's reason (its first {@code FATAL} or
     * {@code PANIC} line, read up to this stop: it may reach the log after {@code pg_ctl}'s line),
     * else {@code pg_ctl}'s line.
     */
    Optional<String> stop() {
        stopped.countDown();
        try {
            watcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.ofNullable(fatal.get()).map(gaveUp -> reason.get() != null ? reason.get() : gaveUp);
    }

    private void watch(Path logFile, long from, Thread starter) {
        long offset = from;
        StringBuilder pending = new StringBuilder();
        boolean last = false;
        while (true) {
            try {
                if (Files.exists(logFile) && Files.size(logFile) > offset) {
                    try (RandomAccessFile in = new RandomAccessFile(logFile.toFile(), "r")) {
                        in.seek(offset);
                        byte[] bytes = new byte[(int) Math.min(1 << 20, in.length() - offset)];
                        in.readFully(bytes);
                        offset += bytes.length;
                        pending.append(new String(bytes, StandardCharsets.UTF_8));
                    }
                    for (int nl; (nl = pending.indexOf("\n")) >= 0; pending.delete(0, nl + 1)) {
                        String line = pending.substring(0, nl).strip();
                        if (isReason(line)) {
                            // Without the log line's time and PID prefix.
                            int at = Math.max(line.indexOf("FATAL:"), line.indexOf("PANIC:"));
                            reason.compareAndSet(null, line.substring(at).replaceAll("\\s+", " "));
                        }
                        if (line.contains(GAVE_UP) && fatal.compareAndSet(null, line) && !last) {
                            // Ends zonky's wait; this watch reads on until stopped, for the reason.
                            starter.interrupt();
                        }
                    }
                }
                if (last) {
                    return;
                }
                // A file has no change notification that works everywhere: look again soon. Once
                // stopped, read what is there one last time: the start may have failed on its own
                // (zonky saw pg_ctl give up) before this watch read the reason (seen under load).
                last = stopped.await(POLL_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // The log is for the reason only; without it, zonky's own wait still ends the start.
                return;
            }
        }
    }

    /**
     * A server-level failure. Not the FATALs the server logs for connections it refuses while it
     * starts up (zonky polls it with connections until it is ready).
     */
    static boolean isReason(String line) {
        return (line.contains("FATAL:") || line.contains("PANIC:"))
                && !line.contains("database system is starting up")
                && !line.contains("not yet accepting connections");
    }
}
