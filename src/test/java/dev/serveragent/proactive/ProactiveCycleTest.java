package dev.serveragent.proactive;

import dev.serveragent.testing.TestClock;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.proactive.ProactiveScheduler.Tick;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One cycle end to end against a real database: prompt, run, ledger, memory writeback, Master. */
class ProactiveCycleTest {
    TestDatabase db;
    final TestClock clock = new TestClock(Instant.parse("2026-03-10T08:00:00Z"));

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    static final String GOOD = ScriptedClaudeRunner.block("Rotated the logs.", """
            , "projects": [{"name": "ops", "description": "keep the box healthy"}],
              "tasks": [{"project": "ops", "title": "rotate logs", "status": "done"},
                        {"project": "ops", "title": "check disk", "status": "in_progress", "priority": 3}],
              "next_prompt_aroma": "Disk check is half done: look at /var next.",
              "notable": [{"text": "Disk is 91% full", "significance": 0.9}, {"text": "Logs rotated", "significance": 0.2}],
              "proposals": [{"plan": "Email the hosting provider for more disk", "reason": "we run out in a week"}]""");

    @Test
    void a_cycle_runs_in_proactive_mode_with_the_remaining_budget_records_usage_and_writes_memory_back() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 5, Optional.of(clock)).answering(() -> GOOD);
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "a")) {
            db.jdbi().useHandle(h -> h.execute("insert into tasks (title, status) values ('look around', 'in_progress')"));

            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);

            ClaudeRequest req = runner.requests.getFirst();
            assertThat(req.mode()).isEqualTo(ClaudeRequest.Mode.PROACTIVE);
            assertThat(req.tokenCeiling()).hasValue(7_000_000);
            assertThat(req.prompt()).contains("look around").contains("(none yet");
            assertThat(req.systemPrompt()).contains("proposals").contains("```json");

            Map<String, Object> ledger = db.jdbi().withHandle(h -> h.createQuery(
                    "select scope, provider, tokens_total, meta_json->>'cycle_id' as cycle from token_ledger").mapToMap().one());
            assertThat(ledger).containsEntry("scope", "proactive").containsEntry("provider", "claude_code")
                    .containsEntry("tokens_total", 50_000L).containsEntry("cycle", "1");

            List<String> tasks = db.jdbi().withHandle(h -> h.createQuery(
                    "select t.title || ':' || t.status || ':' || coalesce(p.name, '-') from tasks t left join projects p on p.id = t.project_id order by t.id")
                    .mapTo(String.class).list());
            assertThat(tasks).containsExactly("look around:in_progress:-", "rotate logs:done:ops", "check disk:in_progress:ops");
            assertThat(notes("aroma")).containsExactly("Disk check is half done: look at /var next.");
            assertThat(notes("cycle_summary")).containsExactly("Rotated the logs.");

            long masterThread = db.jdbi().withHandle(h -> h.createQuery(
                    "select id from chat_threads where platform = 'telegram' and chat_id = 42").mapTo(Long.class).one());
            assertThat(r.outbox.sent).containsExactly(new RecordingOutbox.Sent(masterThread, "Proactive: Disk is 91% full"));
            assertThat(r.proposals).containsExactly("Email the hosting provider for more disk | we run out in a week");
            assertThat(r.state.cycles()).singleElement().satisfies(c -> {
                assertThat(c.status()).isEqualTo("completed");
                assertThat(c.tokens()).isEqualTo(50_000);
                assertThat(c.outcome()).contains("ok");
            });

            // The next cycle sees what this one wrote.
            clock.set(r.state.state().nextWakeAt().orElseThrow());
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);
            assertThat(runner.requests.get(1).prompt()).contains("Disk check is half done").contains("Rotated the logs.")
                    .contains("check disk").contains("ops");
            assertThat(runner.requests.get(1).tokenCeiling()).hasValue(7_000_000 - 50_000);
        }
    }

    @Test
    void a_malformed_block_is_recorded_and_the_loop_goes_on() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 2, Optional.of(clock))
                .answering(() -> "I did things but forgot the block.");
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "a")) {
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);
            clock.set(r.state.state().nextWakeAt().orElseThrow());
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);

            assertThat(r.state.cycles()).hasSize(2).allSatisfy(c -> {
                assertThat(c.outcome()).contains("malformed");
                assertThat(c.outcomeError()).contains("no ```json block in the final answer");
            });
            assertThat(notes("cycle_summary")).first().asString().contains("without a valid ```json outcome block");
            assertThat(notes("aroma")).isEmpty();
            assertThat(ledgerTotal("proactive")).isEqualTo(40_000);
            assertThat(runner.requests.get(1).prompt()).contains("without a valid ```json outcome block");
        }
    }

    @Test
    void a_run_that_would_overshoot_is_stopped_by_the_ceiling_and_the_day_then_sleeps_until_midnight() {
        // Earlier today 6.9M were spent; this run would cost 600k in 20k turns.
        db.jdbi().useHandle(h -> h.execute("""
                insert into token_ledger (scope, provider, tokens_input, tokens_output, tokens_total, created_at)
                values ('proactive', 'claude_code', 6900000, 0, 6900000, '2026-03-10T07:00:00Z')"""));
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(20_000, 30, Optional.of(clock)).answering(() -> GOOD);
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "a")) {
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);

            assertThat(runner.requests.getFirst().tokenCeiling()).hasValue(100_000);
            long spent = ledgerTotal("proactive");
            assertThat(spent).isGreaterThan(7_000_000).isLessThanOrEqualTo(7_000_000 + 20_000);
            assertThat(r.state.cycles()).singleElement().satisfies(c -> assertThat(c.resultKind()).contains("ceiling"));
            assertThat(notes("cycle_summary")).first().asString().contains("ceiling");
            assertThat(r.state.state().nextWakeAt()).contains(Instant.parse("2026-03-11T00:00:00Z"));

            clock.advance(Duration.ofHours(2)); // even when woken early, nothing more runs today
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.NOT_DUE);
            r.state.setNextWake(clock.instant(), "forced", clock.instant());
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.OUT_OF_BUDGET);
            assertThat(runner.requests).hasSize(1);

            clock.set(Instant.parse("2026-03-11T00:00:00Z"));
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);
            assertThat(runner.requests.get(1).tokenCeiling()).hasValue(7_000_000);
        }
    }

    @Test
    void pause_stops_cycles_until_resume_and_is_shared_through_the_database() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 2, Optional.of(clock)).answering(() -> GOOD);
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "a");
                Replica other = new Replica(db, Replica.config(7_000_000), runner, clock, "b")) {
            other.control.pause();
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.PAUSED);
            assertThat(r.control.status().toText()).contains("paused").contains("none while paused");

            other.control.resume();
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);
            ProactiveStatus s = r.control.status();
            assertThat(s.spentToday()).isEqualTo(20_000);
            assertThat(s.remaining()).isEqualTo(6_980_000);
            assertThat(s.nextWake()).isPresent();
            assertThat(s.toText()).contains("20,000 of 7,000,000 tokens spent, 6,980,000 left");
        }
    }

    @Test
    void pausing_cancels_the_run_in_flight_and_its_usage_is_still_recorded() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 3, Optional.empty()).blockRuns();
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "a")) {
            r.scheduler.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> runner.requests.size() == 1);
            r.control.pause();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> r.scheduler.cyclesRun() == 1);

            assertThat(r.state.cycles()).singleElement().satisfies(c -> {
                assertThat(c.resultKind()).contains("canceled");
                assertThat(c.status()).isEqualTo("failed");
            });
            assertThat(ledgerTotal("proactive")).isEqualTo(30_000);
        }
    }

    @Test
    void usage_that_cannot_be_recorded_is_kept_and_retried_before_anything_else_runs() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 4, Optional.of(clock)).answering(() -> GOOD);
        db.jdbi().useHandle(h -> h.execute("""
                create function refuse_ledger() returns trigger language plpgsql as $$
                begin raise exception 'ledger unavailable'; end $$;
                create trigger refuse_ledger before insert on token_ledger for each row execute function refuse_ledger();"""));
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "a")) {
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.BLOCKED);
            clock.advance(Duration.ofHours(1));
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.BLOCKED);
            assertThat(runner.requests).hasSize(1); // no new run while the last one's usage is unrecorded
            assertThat(r.state.cycles()).singleElement().satisfies(c -> assertThat(c.status()).isEqualTo("running"));

            db.jdbi().useHandle(h -> h.execute("drop trigger refuse_ledger on token_ledger"));
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.NOT_DUE);
            assertThat(ledgerTotal("proactive")).isEqualTo(40_000);
            assertThat(r.state.cycles()).singleElement().satisfies(c -> {
                assertThat(c.status()).isEqualTo("completed");
                assertThat(c.outcome()).contains("ok");
            });
            assertThat(notes("cycle_summary")).containsExactly("Rotated the logs.");
        }
    }

    private List<String> notes(String kind) {
        return db.jdbi().withHandle(h -> h.createQuery("select content from memory_notes where kind = :k order by id desc")
                .bind("k", kind).mapTo(String.class).list());
    }

    private long ledgerTotal(String scope) {
        return db.jdbi().withHandle(h -> h.createQuery("select coalesce(sum(tokens_total), 0) from token_ledger where scope = :s")
                .bind("s", scope).mapTo(Long.class).one());
    }
}
