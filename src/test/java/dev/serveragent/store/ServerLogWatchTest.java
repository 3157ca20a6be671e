package dev.serveragent.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server's reason for not starting, read from its log even when the start failed first. */
class ServerLogWatchTest {
    @TempDir
    Path dir;

    @Test
    void a_reason_logged_just_before_the_stop_is_still_read() throws Exception {
        Path log = dir.resolve("pg.log");
        Files.writeString(log, "earlier run: FATAL: not this one\n");
        for (int i = 0; i < 20; i++) {
            ServerLogWatch watch = ServerLogWatch.start(log, Thread.currentThread());
            Files.writeString(log, "2026-12-05 LOG:  starting PostgreSQL\n"
                    + "2026-12-05 FATAL:  configuration file \"/x/postgresql.conf\" contains errors " + i + "\n",
                    StandardOpenOption.APPEND);
            // Stopped at once, before its next look at the file (every 100 ms): the last look reads it.
            assertThat(watch.stop()).as("no 'could not start server' line: not a confirmed failure").isEmpty();
            assertThat(watch.reason()).hasValue("FATAL: configuration file \"/x/postgresql.conf\" contains errors " + i);
        }
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void a_reason_logged_after_pg_ctl_gave_up_is_still_the_reason() throws Exception {
        Path log = dir.resolve("pg.log");
        ServerLogWatch watch = ServerLogWatch.start(log, Thread.currentThread());
        Files.writeString(log, "pg_ctl: could not start server\n");
        org.awaitility.Awaitility.await().pollInSameThread().until(Thread::interrupted); // the watch ends the start's wait
        Files.writeString(log, "2026-12-05 FATAL:  configuration file \"/x/postgresql.conf\" contains errors\n",
                StandardOpenOption.APPEND);
        assertThat(watch.stop()).hasValue("FATAL: configuration file \"/x/postgresql.conf\" contains errors");
    }

    @Test
    void pg_ctl_giving_up_makes_the_reason_fatal() throws Exception {
        Path log = dir.resolve("pg.log");
        ServerLogWatch watch = ServerLogWatch.start(log, Thread.currentThread());
        Files.writeString(log, "2026-12-05 FATAL:  lock file \"postmaster.pid\" already exists\n"
                + "pg_ctl: could not start server\n");
        assertThat(watch.stop()).hasValue("FATAL: lock file \"postmaster.pid\" already exists");
        Thread.interrupted(); // the watch may have interrupted this thread, as it does the starting one
    }
}
