package dev.serveragent.proactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.agenda.Goals;
import dev.serveragent.agenda.Scope;
import dev.serveragent.agenda.Tasks;
import dev.serveragent.proactive.ProactiveScheduler.Tick;
import dev.serveragent.store.GoalRepository;
import dev.serveragent.store.TaskRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Master's standing goals are proactive work: with one the loop runs (paced), with none it idles for free. */
class ProactiveGoalsTest {
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

    @Test
    void a_standing_goal_makes_the_loop_run_paced_with_the_goal_in_its_prompt_and_dropping_it_idles_the_loop() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 5, Optional.of(clock)).answering(() -> ProactiveCycleTest.GOOD);
        Goals goals = new Goals(new GoalRepository(db.jdbi()), clock);
        Tasks tasks = new Tasks(new TaskRepository(db.jdbi()), clock);
        ProactiveWork work = () -> tasks.anyAutonomousOpen() || goals.anyActive();
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "goals",
                () -> db.database().dedicatedConnection("test-goals"), work, () -> goals.list().stream().map(Goals.Goal::line).toList())) {
            goals.onAdded(r.scheduler::wake);
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.IDLE);

            Goals.Goal g = goals.add(Scope.reactive(1), "keep the backups verified");
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);
            assertThat(runner.requests.getFirst().prompt()).contains("## The Master's standing goals")
                    .contains("- #" + g.id() + " keep the backups verified");
            assertThat(r.scheduler.runDue()).as("paced as for autonomous tasks").isEqualTo(Tick.NOT_DUE);

            clock.advance(Duration.ofHours(2));
            assertThat(r.scheduler.runDue()).as("the goal stands: the loop keeps working toward it").isEqualTo(Tick.RAN);

            goals.drop(Scope.reactive(1), g.id());
            clock.advance(Duration.ofHours(2));
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.IDLE);
            assertThat(runner.requests).hasSize(2);
        }
    }

    @Test
    void without_goals_the_prompt_has_no_goals_section() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 5, Optional.of(clock)).answering(() -> ProactiveCycleTest.GOOD);
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "nogoals")) {
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);
            assertThat(runner.requests.getFirst().prompt()).doesNotContain("standing goals");
            assertThat(runner.requests.getFirst().prompt()).contains("report_outcome");
        }
    }
}
