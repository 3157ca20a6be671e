package dev.serveragent.agenda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.store.ThreadRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 19's review, M2: in a group chat the agenda shows and changes only that group's items, never the Master's private list. */
class GroupAgendaTest {
    TestDatabase db;
    final TestClock clock = new TestClock(Instant.parse("2026-12-07T08:00:00Z"));
    AgendaFixture a;
    long privateChat;
    long group;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        a = AgendaFixture.on(db, clock, ZoneId.of("UTC"));
        privateChat = a.thread();
        db.jdbi().useHandle(h -> h.execute("update chat_threads set chat_type = 'private' where id = ?", privateChat));
        group = new ThreadRepository(db.jdbi(), clock).findOrCreate("telegram", -100777);
        db.jdbi().useHandle(h -> h.execute("update chat_threads set chat_type = 'supergroup' where id = ?", group));
    }

    @AfterEach
    void tearDown() {
        a.close();
        db.close();
    }

    @Test
    void tasks_in_a_group_lists_only_that_groups_tasks_and_the_private_chat_lists_them_all() {
        Task secret = a.agenda.tasks().add(Scope.reactive(privateChat), Tasks.NewTask.titled("See the divorce lawyer"));
        Task loop = a.agenda.tasks().add(Scope.proactive(0), Tasks.NewTask.titled("Tidy the backup folder"));
        a.agenda.commands().handle(group, "/tasks add Order team pizza");

        a.agenda.commands().handle(group, "/tasks");
        String listing = a.messages(group).getLast();
        assertThat(listing).startsWith("Open tasks:").contains("Order team pizza")
                .doesNotContain("divorce").doesNotContain("backup folder");

        a.agenda.commands().handle(privateChat, "/tasks");
        assertThat(a.messages(privateChat).getLast()).contains("divorce").contains("backup folder").contains("Order team pizza");

        // the tools' service, as list_tasks calls it from a question run in the group
        assertThat(a.agenda.tasks().list(Scope.question(group), new Tasks.Query(Optional.of("all"), Optional.empty(), Optional.empty())))
                .extracting(Task::title).containsExactly("Order team pizza");

        // nor can the group change a private task (by command, button or tool): as if it did not exist
        a.agenda.commands().handle(group, "/tasks drop " + secret.id());
        assertThat(a.messages(group).getLast()).isEqualTo("Not done: no task #" + secret.id() + " in this chat");
        assertThatThrownBy(() -> a.agenda.tasks().update(Scope.reactive(group), loop.id(), Tasks.Change.status("done")))
                .isInstanceOf(AgendaException.class).hasMessage("no task #" + loop.id() + " in this chat");
        assertThat(a.agenda.tasks().list(Scope.reactive(privateChat), Tasks.Query.open())).extracting(Task::status)
                .containsOnly("todo");
    }

    @Test
    void schedules_in_a_group_lists_only_that_groups_schedules() {
        a.agenda.schedules().schedule(Scope.reactive(privateChat), Schedules.Request.reminderAt("pay the therapist", "2026-12-08T09:00"));
        a.agenda.schedules().schedule(Scope.reactive(group), Schedules.Request.reminderAt("team retro", "2026-12-08T10:00"));

        a.agenda.commands().handle(group, "/schedules");
        assertThat(a.messages(group).getLast()).contains("team retro").doesNotContain("therapist");
        assertThat(a.agenda.schedules().list(Scope.question(group))).extracting(Schedule::text).containsExactly("team retro");
    }

    @Test
    void goals_are_neither_shown_nor_set_in_a_group() {
        a.agenda.goals().add(Scope.reactive(privateChat), "Find a new flat before March");

        a.agenda.commands().handle(group, "/goals");
        assertThat(a.messages(group).getLast()).startsWith("Not here: standing goals are the Master's own").doesNotContain("flat");
        a.agenda.commands().handle(group, "/goals add Win the office quiz");
        assertThat(a.messages(group).getLast()).startsWith("Not here:");
        assertThat(a.agenda.goals().visibleIn(Scope.question(group))).isFalse();
        assertThatThrownBy(() -> a.agenda.goals().add(Scope.reactive(group), "Win the office quiz"))
                .isInstanceOf(AgendaException.class).hasMessageStartingWith("standing goals are the Master's own");

        a.agenda.commands().handle(privateChat, "/goals");
        assertThat(a.messages(privateChat).getLast()).contains("Find a new flat before March");
        assertThat(a.agenda.goals().visibleIn(Scope.proactive(Scope.NO_THREAD))).as("the proactive loop sees them").isTrue();
        assertThat(a.agenda.goals().list()).extracting(Goals.Goal::text).containsExactly("Find a new flat before March");
    }
}
