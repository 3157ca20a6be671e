package dev.serveragent.proactive;

import dev.serveragent.agenda.Goals;
import dev.serveragent.agenda.Scope;
import dev.serveragent.agenda.Task;
import dev.serveragent.agenda.Tasks;
import dev.serveragent.proactive.ProactiveScheduler.Tick;
import dev.serveragent.store.GoalRepository;
import dev.serveragent.store.TaskRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The token cost of a proactive day (issue 19: "an idle proactive day costs 0"): the proactive
 * module {@code Application} builds, on a scratch database of a real Postgres, with the agenda's
 * work check (open autonomous tasks or standing goals) and a model stand-in that spends 10,000
 * tokens a turn, stepped through 24 simulated hours a minute at a time. Three days: an empty
 * agenda; a quiet agenda (tasks the Master keeps for themself, an autonomous one that is blocked);
 * one standing goal (the contrast: the loop works, paced, within the daily ceiling). Prints a
 * markdown table for docs/PERFORMANCE.md. Run by {@code bench/proactive-idle.sh}.
 */
public final class IdleDayBench {
    private static final Instant DAY = Instant.parse("2026-03-10T00:00:00Z");

    public static void main(String[] args) {
        System.out.println("| day | steps | steps by outcome | model runs | proactive tokens (ledger) | cycles | wall time |");
        System.out.println("|---|---:|---|---:|---:|---:|---:|");
        day("empty agenda", (tasks, goals) -> { });
        day("quiet agenda (2 manual tasks, 1 autonomous task blocked)", (tasks, goals) -> {
            tasks.add(Scope.master(), Tasks.NewTask.titled("call the bank"));
            tasks.add(Scope.master(), Tasks.NewTask.titled("renew the passport"));
            Task blocked = tasks.add(Scope.master(), Tasks.NewTask.titled("renew the certificate"));
            tasks.update(Scope.master(), blocked.id(), new Tasks.Change(Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.of("blocked"), Optional.empty(), Optional.empty(), Optional.of(true)));
        });
        day("one standing goal", (tasks, goals) -> goals.add(Scope.master(), "keep the backups verified"));
    }

    private interface Agenda {
        void fill(Tasks tasks, Goals goals);
    }

    private static void day(String name, Agenda agenda) {
        long started = System.nanoTime();
        TestClock clock = new TestClock(DAY);
        try (TestDatabase db = TestDatabase.create()) {
            Tasks tasks = new Tasks(new TaskRepository(db.jdbi()), clock);
            Goals goals = new Goals(new GoalRepository(db.jdbi()), clock);
            agenda.fill(tasks, goals);
            ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 5, Optional.of(clock))
                    .answering(() -> ProactiveCycleTest.GOOD);
            Map<Tick, Integer> ticks = new EnumMap<>(Tick.class);
            int steps = 0;
            try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "idle-day",
                    () -> db.database().dedicatedConnection("bench-idle-day"), () -> tasks.anyAutonomousOpen() || goals.anyActive(),
                    () -> goals.list().stream().map(Goals.Goal::line).toList())) {
                for (Instant end = DAY.plus(Duration.ofHours(24)); clock.instant().isBefore(end); clock.advance(Duration.ofMinutes(1))) {
                    ticks.merge(r.scheduler.runDue(), 1, Integer::sum);
                    steps++;
                }
            }
            long tokens = db.jdbi().withHandle(h -> h.createQuery(
                    "select coalesce(sum(tokens_total), 0) from token_ledger where scope = 'proactive'")
                    .mapTo(Long.class).one());
            long cycles = db.jdbi().withHandle(h -> h.createQuery("select count(*) from proactive_cycles").mapTo(Long.class).one());
            System.out.printf("| %s | %,d | %s | %,d | %,d | %,d | %.1f s |%n", name, steps, ticks, runner.requests.size(), tokens, cycles,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    private IdleDayBench() {
    }
}
