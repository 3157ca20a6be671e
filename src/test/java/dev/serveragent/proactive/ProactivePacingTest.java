package dev.serveragent.proactive;

import dev.serveragent.testing.TestClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.budget.CostModel;
import dev.serveragent.proactive.ProactiveScheduler.Tick;
import dev.serveragent.store.ProactiveStateRepository;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Whole simulated days through the real scheduler and a real ledger, the clock moved by hand. */
class ProactivePacingTest {
    static final long BUDGET = 7_000_000;
    static final Instant DAY = Instant.parse("2026-03-10T00:00:00Z");

    /** Moves the clock to each next wake and runs what is due, until {@code until}; returns the wakes in order. */
    static List<Instant> runUntil(Replica r, TestClock clock, Instant until) {
        List<Instant> wakes = new ArrayList<>();
        while (clock.instant().isBefore(until)) {
            Tick t = r.scheduler.runDue();
            assertThat(t).isIn(Tick.RAN, Tick.NOT_DUE, Tick.OUT_OF_BUDGET);
            Instant wake = r.state.state().nextWakeAt().orElseThrow();
            wakes.add(wake);
            if (wake.isAfter(clock.instant())) {
                clock.set(wake.isAfter(until) ? until : wake);
            }
        }
        return wakes;
    }

    static long spentOn(TestDatabase db, Instant day, String scope) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select coalesce(sum(tokens_total), 0) from token_ledger
                        where scope = :s and created_at >= :from and created_at < :to""")
                .bind("s", scope).bind("from", day).bind("to", day.plus(Duration.ofDays(1))).mapTo(Long.class).one());
    }

    static long largestTurn(ScriptedClaudeRunner runner) {
        return runner.ran.stream().mapToLong(CostModel.PlannedRun::largestTurn).max().orElse(0);
    }

    @Test
    void a_simulated_day_of_heavy_tailed_cycles_ends_within_one_turn_of_the_budget_and_uses_at_least_90_percent() {
        try (TestDatabase db = TestDatabase.create()) {
            TestClock clock = new TestClock(DAY);
            ScriptedClaudeRunner runner = new ScriptedClaudeRunner(CostModel.heavyTailed(), 11, Optional.of(clock));
            try (Replica r = new Replica(db, Replica.config(BUDGET), runner, clock, "a")) {
                runUntil(r, clock, DAY.plus(Duration.ofDays(1)));
            }
            long spent = spentOn(db, DAY, "proactive");
            assertThat(runner.requests.size()).isGreaterThan(20);
            assertThat(spent).isLessThanOrEqualTo(BUDGET + largestTurn(runner)).isGreaterThanOrEqualTo(BUDGET * 9 / 10);
        }
    }

    @Test
    void reactive_spend_in_the_ledger_never_changes_the_proactive_schedule() {
        List<Instant> quiet;
        List<Long> quietCeilings;
        try (TestDatabase db = TestDatabase.create()) {
            TestClock clock = new TestClock(DAY);
            ScriptedClaudeRunner runner = new ScriptedClaudeRunner(CostModel.steady(), 5, Optional.of(clock));
            try (Replica r = new Replica(db, Replica.config(BUDGET), runner, clock, "a")) {
                quiet = runUntil(r, clock, DAY.plus(Duration.ofHours(6)));
            }
            quietCeilings = runner.requests.stream().map(q -> q.tokenCeiling().getAsLong()).toList();
        }
        try (TestDatabase db = TestDatabase.create()) {
            TestClock clock = new TestClock(DAY);
            // The Master keeps the reactive loop busy: 20M tokens today, far beyond the proactive budget.
            db.jdbi().useHandle(h -> h.execute("""
                    insert into token_ledger (scope, provider, tokens_input, tokens_output, tokens_total, created_at)
                    select 'reactive', 'claude_code', 900000, 100000, 1000000, timestamptz '2026-03-10T00:00:00Z' + g * interval '15 minutes'
                    from generate_series(0, 19) g"""));
            ScriptedClaudeRunner runner = new ScriptedClaudeRunner(CostModel.steady(), 5, Optional.of(clock));
            try (Replica r = new Replica(db, Replica.config(BUDGET), runner, clock, "a")) {
                assertThat(runUntil(r, clock, DAY.plus(Duration.ofHours(6)))).isEqualTo(quiet);
                assertThat(r.control.status().spentToday()).isEqualTo(spentOn(db, DAY, "proactive"));
            }
            assertThat(runner.requests.stream().map(q -> q.tokenCeiling().getAsLong()).toList()).isEqualTo(quietCeilings);
            assertThat(spentOn(db, DAY, "reactive")).isEqualTo(20_000_000);
        }
    }

    @Test
    void a_restart_mid_day_resumes_pacing_from_the_ledger() {
        try (TestDatabase db = TestDatabase.create()) {
            TestClock clock = new TestClock(DAY);
            ScriptedClaudeRunner runner = new ScriptedClaudeRunner(CostModel.heavyTailed(), 3, Optional.of(clock));
            Instant noon = DAY.plus(Duration.ofHours(12));
            try (Replica before = new Replica(db, Replica.config(BUDGET), runner, clock, "before")) {
                runUntil(before, clock, noon);
            }
            long spentBeforeRestart = spentOn(db, DAY, "proactive");
            Instant scheduled = new ProactiveStateRepository(db.jdbi()).state().nextWakeAt().orElseThrow();
            int runsBefore = runner.requests.size();

            try (Replica after = new Replica(db, Replica.config(BUDGET), runner, clock, "after")) {
                // The new process keeps the wake time the old one chose ...
                if (clock.instant().isBefore(scheduled)) {
                    assertThat(after.scheduler.runDue()).isEqualTo(Tick.NOT_DUE);
                }
                clock.set(scheduled.isAfter(clock.instant()) ? scheduled : clock.instant());
                assertThat(after.scheduler.runDue()).isEqualTo(Tick.RAN);
                // ... and its first run is bounded by what the ledger says is left, not by a fresh budget.
                assertThat(runner.requests.get(runsBefore).tokenCeiling()).hasValue(BUDGET - spentBeforeRestart);
                runUntil(after, clock, DAY.plus(Duration.ofDays(1)));
            }
            long spent = spentOn(db, DAY, "proactive");
            assertThat(spentBeforeRestart).isBetween(BUDGET / 4, BUDGET * 3 / 4);
            assertThat(spent).isLessThanOrEqualTo(BUDGET + largestTurn(runner)).isGreaterThanOrEqualTo(BUDGET * 9 / 10);
        }
    }
}
