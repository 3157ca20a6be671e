package dev.serveragent.proactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.agenda.Scope;
import dev.serveragent.agenda.Task;
import dev.serveragent.agenda.Tasks;
import dev.serveragent.proactive.ProactiveScheduler.Tick;
import dev.serveragent.store.TaskRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proactive loop works from the agenda: with no autonomous task it spends nothing, with one it runs. */
class ProactiveIdleTest {
    static final Instant DAY = Instant.parse("2026-03-10T00:00:00Z");
    TestDatabase db;
    final TestClock clock = new TestClock(DAY);

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** The setup of a test that needs the loop to have work: one open task the Master marked autonomous. */
    static TestDatabase withAutonomousTask(TestDatabase db) {
        db.jdbi().useHandle(h -> h.execute("insert into tasks (title, status, autonomous) values ('keep the box healthy', 'todo', true)"));
        return db;
    }

    private Replica replica(ScriptedClaudeRunner runner) {
        return new Replica(db, Replica.config(7_000_000), runner, clock, "idle",
                () -> db.database().dedicatedConnection("test-idle"), new TaskRepository(db.jdbi())::anyAutonomousOpen);
    }

    private long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @Test
    void the_first_run_notice_says_what_the_loop_does_how_to_give_it_work_and_how_to_pause_it() {
        assertThat(ProactiveWork.notice(7_000_000)).contains("tasks you mark autonomous").contains("7000000 tokens per UTC day")
                .contains("spends nothing").contains("/tasks add TITLE").contains("/tasks auto ID").contains("/pause");
    }

    @Test
    void a_quiet_day_costs_nothing() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 5, Optional.of(clock)).answering(() -> ProactiveCycleTest.GOOD);
        Tasks tasks = new Tasks(new TaskRepository(db.jdbi()), clock);
        // Work the loop may not take up on its own: a task not marked autonomous, and an autonomous one that is blocked.
        tasks.add(Scope.reactive(1), Tasks.NewTask.titled("call the bank"));
        Task blocked = tasks.add(Scope.reactive(1), Tasks.NewTask.titled("renew the certificate"));
        tasks.update(Scope.reactive(1), blocked.id(), new Tasks.Change(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("blocked"), Optional.empty(), Optional.empty(), Optional.of(true)));
        Set<Tick> ticks = EnumSet.noneOf(Tick.class);
        try (Replica r = replica(runner)) {
            for (Instant end = DAY.plus(Duration.ofHours(24)); clock.instant().isBefore(end); clock.advance(Duration.ofMinutes(5))) {
                ticks.add(r.scheduler.runDue());
            }
        }
        assertThat(ticks).containsExactly(Tick.IDLE);
        assertThat(runner.requests).isEmpty();
        assertThat(count("select count(*) from token_ledger where scope = 'proactive'")).isZero();
        assertThat(count("select count(*) from proactive_cycles")).isZero();
    }

    @Test
    void with_one_autonomous_open_task_a_cycle_runs_and_without_it_the_loop_idles_again() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 5, Optional.of(clock)).answering(() -> ProactiveCycleTest.GOOD);
        Tasks tasks = new Tasks(new TaskRepository(db.jdbi()), clock);
        AtomicInteger wakes = new AtomicInteger();
        tasks.onAutonomousWork(wakes::incrementAndGet);
        try (Replica r = replica(runner)) {
            tasks.onAutonomousWork(r.scheduler::wake);
            Task t = tasks.add(Scope.reactive(1), Tasks.NewTask.titled("look around"));
            assertThat(wakes).hasValue(0);
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.IDLE);

            tasks.update(Scope.reactive(1), t.id(), new Tasks.Change(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(true)));
            assertThat(wakes).as("marking it autonomous wakes the loop").hasValue(1);
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);
            assertThat(runner.requests).hasSize(1);
            assertThat(runner.requests.getFirst().prompt()).contains("look around");
            assertThat(count("select count(*) from token_ledger where scope = 'proactive'")).isEqualTo(1);

            tasks.update(Scope.reactive(1), t.id(), Tasks.Change.status("done"));
            clock.advance(Duration.ofHours(2)); // past any pacing
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.IDLE);
            assertThat(runner.requests).hasSize(1);
        }
    }
}
