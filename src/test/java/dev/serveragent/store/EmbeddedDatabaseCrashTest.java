package dev.serveragent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.testing.AppProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The zero-config database survives its own crash: a JVM running the embedded database is
 * SIGKILLed (its PostgreSQL, in a session of its own, lives on and holds {@code postmaster.pid}),
 * and the next start on the same directory, right after, stops the orphan and comes up.
 */
@Isolated("under the load of the other classes, its start-failure test's error sometimes lacked the server's FATAL line "
        + "(three of ten local runs with six classes at once; not yet understood), so it runs alone")
class EmbeddedDatabaseCrashTest {
    @TempDir
    Path dir;

    private static Process startAgent(Path pg) throws Exception {
        Process p = new ProcessBuilder(AppProcess.command(EmbeddedDatabaseMain.class.getName(), pg.toString()))
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals("READY")) {
                        return true;
                    }
                }
                return false;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        try {
            assertThat(ready.get(120, TimeUnit.SECONDS)).as("the child started its database").isTrue();
        } catch (Exception | AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
        return p;
    }

    private static long postmasterPid(Path pg) throws Exception {
        return Long.parseLong(Files.readAllLines(pg.resolve("postmaster.pid")).getFirst().strip());
    }

    @Test
    void a_restart_right_after_a_kill_dash_nine_stops_the_orphaned_server_and_keeps_the_data() throws Exception {
        Path pg = dir.resolve("pg");
        Process agent = startAgent(pg);
        long orphan = postmasterPid(pg);
        agent.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no pg_ctl stop
        assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).as("the server outlived its agent").isPresent();

        long t0 = System.nanoTime();
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(pg);
                Database db = Database.open(embedded.url(), 2, Optional.empty())) {
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
            java.util.List<String> rows = db.jdbi().withHandle(h -> h.createQuery("select v from crash_probe").mapTo(String.class).list());
            assertThat(rows).containsExactly("written before the crash");
            assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).as("the orphan").isEmpty();
            assertThat(postmasterPid(pg)).isNotEqualTo(orphan);
        }
    }

    @Test
    void a_server_that_cannot_start_says_its_own_reason_without_waiting_a_minute() throws Exception {
        Path pg = dir.resolve("pg");
        EmbeddedDatabase.start(pg).close();
        Files.writeString(pg.resolve("postgresql.conf"), "\nshared_buffers = 'banana'\n", java.nio.file.StandardOpenOption.APPEND);

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> EmbeddedDatabase.start(pg))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining(": FATAL: configuration file \"" + pg.resolve("postgresql.conf") + "\" contains errors")
                .hasMessageContaining(EmbeddedDatabase.logFile(pg).toString());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }
}
