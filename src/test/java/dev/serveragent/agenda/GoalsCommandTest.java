package dev.serveragent.agenda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code /goals}: the Master's standing goals give the proactive loop work (and wake it); only the Master sets or drops them. */
class GoalsCommandTest {
    @Test
    void goals_add_lists_and_drops_and_an_active_goal_is_proactive_work() {
        TestClock clock = new TestClock(Instant.parse("2026-03-10T08:00:00Z"));
        try (TestDatabase db = TestDatabase.create(); AgendaFixture f = AgendaFixture.on(db, clock, ZoneOffset.UTC)) {
            AtomicInteger wakes = new AtomicInteger();
            f.agenda.onProactiveWork(wakes::incrementAndGet);
            long thread = f.thread();
            assertThat(f.agenda.proactiveWork()).isFalse();

            f.agenda.commands().handle(thread, "/goals");
            assertThat(f.messages(thread).getLast()).startsWith("No standing goals.").contains("/goals add TEXT");

            assertThat(f.agenda.commands().handle(thread, "/goals add keep the backups verified")).isTrue();
            long id = f.count("select id from standing_goals");
            assertThat(f.messages(thread).getLast()).startsWith("Standing goal #" + id + " keep the backups verified")
                    .contains("/pause").contains("/goals drop " + id);
            assertThat(wakes).as("a new goal wakes the loop").hasValue(1);
            assertThat(f.agenda.proactiveWork()).isTrue();

            f.agenda.commands().handle(thread, "/goals");
            assertThat(f.messages(thread).getLast()).contains("#" + id + " keep the backups verified").contains("/goals drop ID");

            f.agenda.commands().handle(thread, "/goals add   ");
            assertThat(f.messages(thread).getLast()).startsWith("Not done: the goal is empty");
            f.agenda.commands().handle(thread, "/goals drop 999");
            assertThat(f.messages(thread).getLast()).startsWith("Not done: no goal #999");
            assertThat(f.count("select count(*) from standing_goals")).isEqualTo(1);

            f.agenda.commands().handle(thread, "/goals drop #" + id);
            assertThat(f.messages(thread).getLast()).isEqualTo("Dropped goal #" + id + " keep the backups verified.");
            assertThat(f.agenda.proactiveWork()).isFalse();
            assertThat(f.agenda.goals().list()).isEmpty();
            assertThat(f.count("select count(*) from standing_goals where dropped_at is not null")).isEqualTo(1);

            // An autonomous task is proactive work too.
            Task t = f.agenda.tasks().add(Scope.reactive(thread), Tasks.NewTask.titled("tidy the logs"));
            f.agenda.tasks().update(Scope.reactive(thread), t.id(), new Tasks.Change(java.util.Optional.empty(),
                    java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                    java.util.Optional.empty(), java.util.Optional.of(true)));
            assertThat(f.agenda.proactiveWork()).isTrue();
        }
    }

    @Test
    void a_question_or_proactive_run_cannot_set_a_goal_and_a_proactive_run_cannot_drop_one() {
        TestClock clock = new TestClock(Instant.parse("2026-03-10T08:00:00Z"));
        try (TestDatabase db = TestDatabase.create(); AgendaFixture f = AgendaFixture.on(db, clock, ZoneOffset.UTC)) {
            Goals goals = f.agenda.goals();
            assertThatThrownBy(() -> goals.add(Scope.question(1), "spend tokens")).isInstanceOf(AgendaException.class)
                    .hasMessageContaining("only the Master sets a standing goal");
            assertThatThrownBy(() -> goals.add(Scope.proactive(0), "spend tokens")).isInstanceOf(AgendaException.class);
            Goals.Goal g = goals.add(Scope.reactive(1), "watch the certificates");
            assertThatThrownBy(() -> goals.drop(Scope.proactive(0), g.id())).isInstanceOf(AgendaException.class)
                    .hasMessageContaining("cannot drop");
            assertThatThrownBy(() -> goals.add(Scope.reactive(1), "x".repeat(Goals.MAX_TEXT + 1)))
                    .hasMessageContaining("at most " + Goals.MAX_TEXT);
            assertThat(goals.list()).extracting(Goals.Goal::text).containsExactly("watch the certificates");
        }
    }
}
