package dev.serveragent.proactive;

import dev.serveragent.testing.TestClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.config.DatabaseUrl;
import dev.serveragent.config.ProactiveConfig;
import dev.serveragent.proactive.ProactiveScheduler.Tick;
import dev.serveragent.testing.TcpProxy;
import dev.serveragent.testing.TestDatabase;
import java.net.URI;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Several replicas against one database: one leader runs cycles; a dead leader is replaced. */
class ProactiveLeadershipTest {

    @Test
    void two_schedulers_against_one_database_only_one_runs_cycles_until_it_stops() {
        try (TestDatabase db = TestDatabase.create()) {
            TestClock clock = new TestClock(Instant.parse("2026-03-10T00:00:00Z"));
            ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 5, Optional.of(clock));
            try (Replica a = new Replica(db, Replica.config(7_000_000), runner, clock, "a");
                    Replica b = new Replica(db, Replica.config(7_000_000), runner, clock, "b")) {
                for (int i = 0; i < 10; i++) {
                    assertThat(a.scheduler.runDue()).isEqualTo(Tick.RAN);
                    assertThat(b.scheduler.runDue()).isEqualTo(Tick.NOT_LEADER);
                    clock.set(a.state.state().nextWakeAt().orElseThrow());
                }
                assertThat(a.state.cycles()).hasSize(10).allSatisfy(c -> assertThat(c.leader()).isEqualTo("a"));

                a.scheduler.stop(); // releases the lock with its connection
                assertThat(b.scheduler.runDue()).isEqualTo(Tick.RAN);
                assertThat(a.scheduler.runDue()).isEqualTo(Tick.NOT_LEADER);
                assertThat(b.state.cycles()).hasSize(11).last().satisfies(c -> assertThat(c.leader()).isEqualTo("b"));
            }
        }
    }

    @Test
    void when_the_leaders_connection_dies_another_replica_takes_over_within_60_seconds() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            URI target = URI.create(db.url().jdbcUrl().substring("jdbc:".length()));
            try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort())) {
                // Replica a reaches the database for its leader lock through a path the test can cut.
                DatabaseUrl viaProxy = new DatabaseUrl(db.url().jdbcUrl().replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/"),
                        db.url().user(), db.url().password());
                ProactiveConfig config = new ProactiveConfig(true, 7_000_000, Duration.ofSeconds(60), Duration.ofSeconds(3600), 10,
                        Duration.ofMinutes(30), 40, 0.7, Duration.ofSeconds(1));
                ScriptedClaudeRunner runnerA = ScriptedClaudeRunner.fixed(10_000, 2, Optional.empty()).blockRuns();
                ScriptedClaudeRunner runnerB = ScriptedClaudeRunner.fixed(10_000, 2, Optional.empty());
                try (Replica a = new Replica(db, config, runnerA, Clock.systemUTC(), "a", () -> connect(viaProxy));
                        Replica b = new Replica(db, config, runnerB, Clock.systemUTC(), "b")) {
                    a.scheduler.start();
                    await().atMost(Duration.ofSeconds(20)).until(() -> a.scheduler.isLeader() && runnerA.requests.size() == 1);
                    b.scheduler.start();
                    // b tries every second: it must stay a follower while a lives.
                    await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> !b.scheduler.isLeader());

                    long died = System.nanoTime();
                    proxy.cut(); // a's lock connection dies; the server releases the lock
                    await().atMost(Duration.ofSeconds(60)).until(b.scheduler::isLeader);
                    assertThat(Duration.ofNanos(System.nanoTime() - died)).isLessThan(Duration.ofSeconds(60));

                    // a notices, cancels its run in flight and still records what it spent.
                    await().atMost(Duration.ofSeconds(20)).until(() -> a.scheduler.cyclesRun() == 1);
                    // isLeader() is as of a's last step: the cycle is recorded before a's next step sees the lock gone.
                    await().atMost(Duration.ofSeconds(10)).until(() -> !a.scheduler.isLeader());
                    assertThat(a.state.cycles()).first().satisfies(c -> {
                        assertThat(c.leader()).isEqualTo("a");
                        assertThat(c.resultKind()).contains("canceled");
                        assertThat(c.tokens()).isEqualTo(20_000);
                    });
                    assertThat(locksHeld(db)).isEqualTo(1);
                }
            }
        }
    }

    private static java.sql.Connection connect(DatabaseUrl url) throws java.sql.SQLException {
        Properties p = new Properties();
        url.user().ifPresent(u -> p.setProperty("user", u));
        url.password().ifPresent(pw -> p.setProperty("password", pw.reveal()));
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", "5");
        return DriverManager.getConnection(url.jdbcUrl(), p);
    }

    private static long locksHeld(TestDatabase db) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select count(*) from pg_locks
                        where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())""")
                .mapTo(Long.class).one());
    }
}
