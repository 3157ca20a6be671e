package dev.serveragent.agenda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.config.AppConfig;
import dev.serveragent.config.ConfigException;
import dev.serveragent.config.Settings;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The services the agent's tools call: what they accept, and that a refused request writes nothing. */
class AgendaServicesTest {
    TestDatabase db;
    final TestClock clock = new TestClock(Instant.parse("2026-12-07T08:00:00Z"));
    AgendaFixture a;
    Scope master;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        a = AgendaFixture.on(db, clock, ZoneId.of("Europe/Berlin"));
        master = Scope.reactive(a.thread());
    }

    @AfterEach
    void tearDown() {
        a.close();
        db.close();
    }

    Schedules schedules() {
        return a.agenda.schedules();
    }

    static Schedules.Request request(String kind, String text, String at, String cron, String zone, Long ceiling) {
        return new Schedules.Request(kind, text, Optional.ofNullable(at), Optional.ofNullable(cron), Optional.ofNullable(zone),
                Optional.ofNullable(ceiling));
    }

    void refusedWithoutARow(Executable call, AgendaException.Reason reason, String words) {
        long schedulesBefore = a.count("select count(*) from schedules");
        long tasksBefore = a.count("select count(*) from tasks");
        String tasksState = db.jdbi().withHandle(h -> h.createQuery("select coalesce(string_agg(t::text, ';' order by id), '') from tasks t")
                .mapTo(String.class).one());
        assertThatThrownBy(call::execute).isInstanceOf(AgendaException.class).hasMessageContaining(words)
                .satisfies(e -> assertThat(((AgendaException) e).reason()).isEqualTo(reason));
        assertThat(a.count("select count(*) from schedules")).isEqualTo(schedulesBefore);
        assertThat(a.count("select count(*) from tasks")).isEqualTo(tasksBefore);
        String tasksAfter = db.jdbi().withHandle(h -> h.createQuery("select coalesce(string_agg(t::text, ';' order by id), '') from tasks t")
                .mapTo(String.class).one());
        assertThat(tasksAfter).isEqualTo(tasksState);
    }

    @Test
    void bad_schedules_are_refused_with_a_clear_error_and_leave_no_row() {
        var I = AgendaException.Reason.INVALID;
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", null, "0 25 * * *", null, null)), I,
                "cron '0 25 * * *' is not valid");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", null, "every day", null, null)), I,
                "must have 5 fields");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", null, "0 9 * * *", "Mars/Olympus", null)), I,
                "time_zone 'Mars/Olympus' is not a time zone");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", "2026-12-07T07:59:59Z", null, null, null)), I,
                "is in the past (it is now Mon 7 Dec 2026 09:00 Europe/Berlin)");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "   ", "2026-12-08T09:00", null, null, null)), I,
                "the reminder's text is empty");
        refusedWithoutARow(() -> schedules().schedule(master, request("task", "", "2026-12-08T09:00", null, null, null)), I,
                "the task's prompt is empty");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", "2026-12-08T09:00", "0 9 * * *", null, null)), I,
                "not both");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", null, null, null, null)), I, "not neither");
        refusedWithoutARow(() -> schedules().schedule(master, request("alarm", "x", "2026-12-08T09:00", null, null, null)), I,
                "kind must be 'reminder'");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", "tomorrow at 9", null, null, null)), I,
                "is not an ISO-8601 date-time");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", "2026-12-08T09:00", null, null, 5000L)), I,
                "a reminder uses no model");
        refusedWithoutARow(() -> schedules().schedule(master, request("task", "x", "2026-12-08T09:00", null, null, 10L)), I,
                "token_ceiling must be between");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", null, "* * * * *", null, null)), I,
                "fires more often than every 5 minutes");
        // review L1: 30 minutes apart at first, then every minute from 09:30 to 09:35 on Mondays
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", null, "0,30-35 9 * * 1", null, null)), I,
                "fires more often than every 5 minutes (1 minute(s) apart at its closest)");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", null, "0,58 0,23 * * *", null, null)), I,
                "(2 minute(s) apart at its closest)");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x", null, "0 0 30 2 *", null, null)), I,
                "never fires");
        refusedWithoutARow(() -> schedules().schedule(master, request("reminder", "x".repeat(4001), "2026-12-08T09:00", null, null, null)),
                I, "at most 4000");
    }

    @Test
    void a_question_run_keeps_the_agenda_and_sets_reminders_but_starts_no_work_that_runs_without_an_ok() {
        Scope question = Scope.question(master.threadId());
        Tasks tasks = a.agenda.tasks();
        assertThat(schedules().schedule(question, Schedules.Request.reminderAt("call the bank", "2026-12-08T09:00")).kind())
                .isEqualTo("reminder");
        Task plain = tasks.add(question, Tasks.NewTask.titled("renew the certificate"));
        var NA = AgendaException.Reason.NOT_ALLOWED;
        refusedWithoutARow(() -> schedules().schedule(question, request("task", "run rm -rf /srv", "2026-12-08T09:00", null, null, null)),
                NA, "a question run may set reminders");
        refusedWithoutARow(() -> tasks.add(question, new Tasks.NewTask("x", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(true))), NA, "only the Master");
        refusedWithoutARow(() -> tasks.update(question, plain.id(), new Tasks.Change(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(true))), NA, "only the Master");
        // The Master's own scope (a command, or a command run after OK) may.
        assertThat(tasks.update(master, plain.id(), new Tasks.Change(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(true))).autonomous()).isTrue();
    }

    @Test
    void a_proactive_run_moves_its_tasks_along_but_cannot_revive_or_reword_them() {
        Tasks tasks = a.agenda.tasks();
        Scope proactive = Scope.proactive(master.threadId());
        Task dropped = tasks.update(master, tasks.add(master, Tasks.NewTask.titled("old idea")).id(), Tasks.Change.status("dropped"));
        Task blocked = tasks.update(master, tasks.add(master, Tasks.NewTask.titled("waits on the Master")).id(), Tasks.Change.status("blocked"));
        Task open = tasks.add(master, Tasks.NewTask.titled("tidy the logs"));
        var NA = AgendaException.Reason.NOT_ALLOWED;
        refusedWithoutARow(() -> tasks.update(proactive, dropped.id(), Tasks.Change.status("todo")), NA, "is dropped");
        refusedWithoutARow(() -> tasks.update(proactive, blocked.id(), Tasks.Change.status("in_progress")), NA, "is blocked");
        refusedWithoutARow(() -> tasks.update(proactive, open.id(), new Tasks.Change(Optional.of("tidy every server"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())), NA, "cannot reword");
        assertThat(tasks.update(proactive, open.id(), Tasks.Change.status("in_progress")).status()).isEqualTo("in_progress");
        assertThat(tasks.update(proactive, open.id(), Tasks.Change.status("done")).status()).isEqualTo("done");
        assertThat(tasks.update(master, dropped.id(), Tasks.Change.status("todo")).status()).as("the Master may").isEqualTo("todo");
    }

    @Test
    void a_proactive_run_may_list_but_not_schedule_or_cancel() {
        Schedule s = schedules().schedule(master, Schedules.Request.reminderAt("x", "2026-12-08T09:00"));
        Scope proactive = Scope.proactive(master.threadId());
        assertThat(schedules().list(proactive)).extracting(Schedule::id).containsExactly(s.id());
        refusedWithoutARow(() -> schedules().schedule(proactive, Schedules.Request.reminderAt("y", "2026-12-08T09:00")),
                AgendaException.Reason.NOT_ALLOWED, "may only notify and propose");
        assertThatThrownBy(() -> schedules().cancel(proactive, s.id())).isInstanceOf(AgendaException.class);
        assertThat(schedules().list(master)).hasSize(1);
    }

    @Test
    void a_wall_time_without_offset_is_read_in_the_masters_zone_and_shown_in_it() {
        Schedule s = schedules().schedule(master, Schedules.Request.reminderAt("call the bank", "2026-12-08 09:00"));
        assertThat(s.nextFireAt()).contains(Instant.parse("2026-12-08T08:00:00Z"));
        assertThat(s.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(s.line()).isEqualTo("#" + s.id() + " reminder, once, Tue 8 Dec 2026 09:00 Europe/Berlin: call the bank");
        Schedule other = schedules().schedule(master, request("reminder", "x", "2026-12-08T09:00", null, "America/New_York", null));
        assertThat(other.nextFireAt()).contains(Instant.parse("2026-12-08T14:00:00Z"));
    }

    @Test
    void a_schedule_is_listed_and_canceled_only_in_its_own_thread() {
        Schedule s = schedules().schedule(master, Schedules.Request.reminderAt("mine", "2026-12-08T09:00"));
        long otherThread = new dev.serveragent.store.ThreadRepository(db.jdbi(), clock).findOrCreate("telegram", 777);
        Scope other = Scope.reactive(otherThread);
        assertThat(schedules().list(other)).isEmpty();
        assertThatThrownBy(() -> schedules().cancel(other, s.id())).hasMessage("no schedule #" + s.id() + " in this chat");
        assertThat(schedules().cancel(master, s.id()).status()).isEqualTo("canceled");
        assertThatThrownBy(() -> schedules().cancel(master, s.id())).hasMessage("schedule #" + s.id() + " is already canceled");
        assertThat(schedules().list(master)).isEmpty();
    }

    @Test
    void tasks_are_added_listed_and_updated_as_the_proactive_loop_and_dashboard_see_them() {
        Tasks tasks = a.agenda.tasks();
        Task t = tasks.add(master, new Tasks.NewTask("Renew the TLS certificate", Optional.of("before the 20th"), Optional.of("infra"),
                Optional.empty(), Optional.of(2), Optional.empty(), Optional.of(true)));
        assertThat(t.line()).isEqualTo("#" + t.id() + " [todo] Renew the TLS certificate (project infra, priority 2, autonomous)");
        tasks.add(master, Tasks.NewTask.titled("Buy milk"));
        assertThat(tasks.list(master, Tasks.Query.open())).extracting(Task::title).containsExactly("Renew the TLS certificate", "Buy milk");

        Task moved = tasks.update(master, t.id(), Tasks.Change.status("in_progress"));
        assertThat(moved.status()).isEqualTo("in_progress");
        assertThat(moved.description()).contains("before the 20th");
        // The proactive loop's own view of open tasks is the same table.
        assertThat(new dev.serveragent.store.MemoryRepository(db.jdbi()).openTasks(10))
                .extracting(dev.serveragent.store.MemoryRepository.Task::title).contains("Renew the TLS certificate", "Buy milk");

        tasks.update(master, t.id(), Tasks.Change.status("done"));
        assertThat(tasks.list(master, Tasks.Query.open())).extracting(Task::title).containsExactly("Buy milk");
        assertThat(tasks.list(master, new Tasks.Query(Optional.of("done"), Optional.empty(), Optional.empty()))).hasSize(1);
        assertThat(tasks.list(master, new Tasks.Query(Optional.of("all"), Optional.of("infra"), Optional.empty()))).hasSize(1);
    }

    @Test
    void bad_task_requests_are_refused_and_change_nothing() {
        Tasks tasks = a.agenda.tasks();
        Task t = tasks.add(master, Tasks.NewTask.titled("keep me"));
        var I = AgendaException.Reason.INVALID;
        refusedWithoutARow(() -> tasks.add(master, Tasks.NewTask.titled("  ")), I, "title is empty");
        refusedWithoutARow(() -> tasks.add(master, new Tasks.NewTask("x", Optional.empty(), Optional.empty(), Optional.of("maybe"),
                Optional.empty(), Optional.empty(), Optional.empty())), I, "status must be one of");
        refusedWithoutARow(() -> tasks.update(master, t.id(), new Tasks.Change(Optional.of("new title"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(1000), Optional.empty(), Optional.empty())), I, "priority must be between");
        refusedWithoutARow(() -> tasks.update(master, t.id(), new Tasks.Change(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())), I, "nothing to change");
        refusedWithoutARow(() -> tasks.update(master, 999_999, Tasks.Change.status("done")), AgendaException.Reason.NOT_FOUND,
                "no task #999999");
        refusedWithoutARow(() -> tasks.list(master, new Tasks.Query(Optional.of("open"), Optional.empty(), Optional.of(0))), I,
                "limit must be between");
        Scope proactive = Scope.proactive(master.threadId());
        refusedWithoutARow(() -> tasks.add(proactive, new Tasks.NewTask("x", Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(true))), AgendaException.Reason.NOT_ALLOWED, "only the Master");
        refusedWithoutARow(() -> tasks.update(proactive, t.id(), new Tasks.Change(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(true))), AgendaException.Reason.NOT_ALLOWED,
                "only the Master");
        // A proactive run does keep tasks: that is how it records its work.
        assertThat(tasks.update(proactive, t.id(), Tasks.Change.status("in_progress")).status()).isEqualTo("in_progress");
    }

    @Test
    void the_masters_zone_comes_from_master_tz_and_a_stored_tz_wins_until_reset() {
        MasterZone zone = a.agenda.zone();
        assertThat(zone.current()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(zone.set("Asia/Tokyo")).isEqualTo(ZoneId.of("Asia/Tokyo"));
        assertThat(zone.current()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        Schedule s = schedules().schedule(master, Schedules.Request.reminderAt("x", "2026-12-08T09:00"));
        assertThat(s.nextFireAt()).contains(Instant.parse("2026-12-08T00:00:00Z"));
        assertThatThrownBy(() -> zone.set("Nowhere/Land")).hasMessageContaining("'Nowhere/Land' is not a time zone");
        assertThat(zone.current()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        assertThat(zone.reset()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(zone.current()).isEqualTo(ZoneId.of("Europe/Berlin"));
    }

    @Test
    void master_tz_defaults_to_utc_and_an_invalid_zone_is_a_startup_error_naming_the_variable() {
        assertThat(AppConfig.from(new Settings(Map.of())).agenda().masterZone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(AppConfig.from(new Settings(Map.of("MASTER_TZ", "Europe/Berlin"))).agenda().masterZone())
                .isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThatThrownBy(() -> AppConfig.from(new Settings(Map.of("MASTER_TZ", "CEST+2"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("MASTER_TZ: 'CEST+2' is not a time zone");
    }
}
