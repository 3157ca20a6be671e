package dev.serveragent.agenda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code /tasks auto ID} gives the proactive loop work (and wakes it); {@code /tasks manual ID} takes it back. */
class TasksAutoCommandTest {
    @Test
    void auto_marks_a_task_autonomous_and_wakes_the_loop_manual_takes_it_back() {
        TestClock clock = new TestClock(Instant.parse("2026-03-10T08:00:00Z"));
        try (TestDatabase db = TestDatabase.create(); AgendaFixture f = AgendaFixture.on(db, clock, ZoneOffset.UTC)) {
            AtomicInteger wakes = new AtomicInteger();
            f.agenda.tasks().onAutonomousWork(wakes::incrementAndGet);
            long thread = f.thread();
            assertThat(f.agenda.commands().handle(thread, "/tasks add Tidy the logs")).isTrue();
            long id = f.count("select id from tasks");
            assertThat(wakes).hasValue(0);

            f.agenda.commands().handle(thread, "/tasks auto " + id);
            assertThat(f.count("select count(*) from tasks where autonomous")).isEqualTo(1);
            assertThat(wakes).hasValue(1);
            assertThat(f.messages(thread).getLast()).startsWith("The proactive loop will work on it alone: #" + id)
                    .contains("autonomous").contains("/pause");

            f.agenda.commands().handle(thread, "/tasks manual #" + id);
            assertThat(f.count("select count(*) from tasks where autonomous")).isZero();
            assertThat(wakes).hasValue(1);

            f.agenda.commands().handle(thread, "/tasks auto 999");
            assertThat(f.messages(thread).getLast()).startsWith("Not done: no task #999");
            f.agenda.commands().handle(thread, "/tasks auto");
            assertThat(f.messages(thread).getLast()).contains("/tasks auto ID");
        }
    }
}
