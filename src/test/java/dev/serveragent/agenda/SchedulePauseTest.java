package dev.serveragent.agenda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.store.ScheduleRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A paused schedule (V95) is kept but never fired: the firing loop, run with a moved clock, skips
 * it for as long as it is paused; resumed, a recurring one goes on from its next time after now
 * (no burst of the times it was paused over), a one-shot whose time passed fires at once. Pause,
 * resume and cancel are idempotent in words: a second press says the state it already has.
 */
class SchedulePauseTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant MONDAY = Instant.parse("2026-12-07T06:00:00Z"); // 07:00 in Berlin

    TestDatabase db;
    final TestClock clock = new TestClock(MONDAY);
    AgendaFixture a;
    long thread;
    Scope master;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        a = AgendaFixture.on(db, clock, BERLIN);
        thread = a.thread();
        master = Scope.reactive(thread);
    }

    @AfterEach
    void tearDown() {
        a.close();
        db.close();
    }

    String status(long id) {
        return new ScheduleRepository(db.jdbi()).find(id).orElseThrow().status();
    }

    @Test
    void the_firing_loop_skips_a_paused_recurring_reminder_and_resumes_it_at_its_next_time_without_a_burst() {
        Schedule s = a.agenda.schedules().schedule(master, Schedules.Request.reminderCron("stand-up", "0 9 * * *", null));
        assertThat(s.nextFireAt()).contains(Instant.parse("2026-12-07T08:00:00Z")); // 09:00 Berlin

        Schedule paused = a.agenda.schedules().pause(master, s.id());
        assertThat(paused.status()).isEqualTo("paused");
        assertThat(paused.nextFireAt()).as("kept, for the page").contains(Instant.parse("2026-12-07T08:00:00Z"));
        assertThat(paused.line()).contains("paused, cron '0 9 * * *'");

        clock.set(Instant.parse("2026-12-07T08:00:00Z"));
        assertThat(a.agenda.firing().runOnce()).isZero();
        clock.advance(Duration.ofDays(3)); // three 09:00s pass while paused
        assertThat(a.agenda.firing().runOnce()).isZero();
        assertThat(a.messages(thread)).isEmpty();
        assertThat(new ScheduleRepository(db.jdbi()).nextDue()).as("the loop does not wake for it either").isEmpty();
        assertThat(a.agenda.schedules().list(master)).as("/schedules still lists it").extracting(Schedule::id).containsExactly(s.id());

        clock.set(Instant.parse("2026-12-10T10:00:00Z")); // Thursday 11:00 Berlin
        Schedule resumed = a.agenda.schedules().resume(master, s.id());
        assertThat(resumed.status()).isEqualTo("active");
        assertThat(resumed.nextFireAt()).contains(Instant.parse("2026-12-11T08:00:00Z")); // Friday 09:00 Berlin
        assertThat(a.agenda.firing().runOnce()).as("no make-up firings").isZero();
        clock.set(Instant.parse("2026-12-11T08:00:00Z"));
        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);
        assertThat(a.messages(thread)).containsExactly("⏰ Reminder: stand-up");
        assertThat(new ScheduleRepository(db.jdbi()).firings(s.id())).singleElement()
                .satisfies(f -> assertThat(f.late()).isFalse());
    }

    @Test
    void a_one_shot_whose_time_passed_while_paused_fires_at_once_when_resumed_and_one_still_ahead_keeps_its_time() {
        Schedule passed = a.agenda.schedules().schedule(master, Schedules.Request.reminderAt("call the bank", "2026-12-07T09:00"));
        Schedule ahead = a.agenda.schedules().schedule(master, Schedules.Request.reminderAt("pay rent", "2026-12-20T09:00"));
        a.agenda.schedules().pause(master, passed.id());
        a.agenda.schedules().pause(master, ahead.id());
        clock.set(Instant.parse("2026-12-07T12:00:00Z"));
        assertThat(a.agenda.firing().runOnce()).isZero();

        assertThat(a.agenda.schedules().resume(master, passed.id()).nextFireAt()).contains(clock.instant());
        assertThat(a.agenda.schedules().resume(master, ahead.id()).nextFireAt()).contains(Instant.parse("2026-12-20T08:00:00Z"));
        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);
        assertThat(a.messages(thread)).containsExactly("⏰ Reminder: call the bank");
        assertThat(status(passed.id())).isEqualTo("done");
        assertThat(status(ahead.id())).isEqualTo("active");
    }

    @Test
    void a_second_pause_resume_or_cancel_says_the_state_it_already_has_and_a_paused_schedule_can_be_canceled() {
        Schedule s = a.agenda.schedules().schedule(master, Schedules.Request.reminderAt("x", "2026-12-08T09:00"));
        a.agenda.schedules().pause(master, s.id());
        assertThatThrownBy(() -> a.agenda.schedules().pause(master, s.id())).hasMessage("schedule #" + s.id() + " is already paused");
        a.agenda.schedules().resume(master, s.id());
        assertThatThrownBy(() -> a.agenda.schedules().resume(master, s.id()))
                .hasMessage("schedule #" + s.id() + " is not paused: it is active");
        a.agenda.schedules().pause(master, s.id());
        assertThat(a.agenda.schedules().cancel(master, s.id()).status()).isEqualTo("canceled");
        assertThatThrownBy(() -> a.agenda.schedules().cancel(master, s.id())).hasMessage("schedule #" + s.id() + " is already canceled");
        assertThatThrownBy(() -> a.agenda.schedules().pause(master, s.id())).hasMessage("schedule #" + s.id() + " is canceled");
        clock.set(Instant.parse("2026-12-09T09:00:00Z"));
        assertThat(a.agenda.firing().runOnce()).isZero();
    }

    @Test
    void only_the_schedules_own_chat_and_never_a_proactive_run_pauses_or_resumes_it() {
        Schedule s = a.agenda.schedules().schedule(master, Schedules.Request.reminderAt("x", "2026-12-08T09:00"));
        assertThatThrownBy(() -> a.agenda.schedules().pause(Scope.reactive(thread + 1000), s.id()))
                .hasMessage("no schedule #" + s.id() + " in this chat");
        assertThatThrownBy(() -> a.agenda.schedules().pause(Scope.proactive(thread), s.id()))
                .isInstanceOf(AgendaException.class).hasMessageContaining("proactive run cannot pause");
        assertThat(status(s.id())).isEqualTo("active");
    }

    @Test
    void the_schedules_command_pauses_and_resumes() {
        Schedule s = a.agenda.schedules().schedule(master, Schedules.Request.reminderAt("water the plants", "2026-12-08T09:00"));
        assertThat(a.agenda.commands().handle(thread, "/schedules pause " + s.id())).isTrue();
        assertThat(status(s.id())).isEqualTo("paused");
        assertThat(a.agenda.commands().handle(thread, "/schedules pause " + s.id())).isTrue();
        assertThat(a.agenda.commands().handle(thread, "/schedules resume #" + s.id())).isTrue();
        assertThat(status(s.id())).isEqualTo("active");
        assertThat(a.messages(thread)).hasSize(3).satisfies(m -> {
            assertThat(m.get(0)).startsWith("Paused (it will not fire until /schedules resume " + s.id() + "): #" + s.id());
            assertThat(m.get(1)).isEqualTo("Not done: schedule #" + s.id() + " is already paused");
            assertThat(m.get(2)).startsWith("Resumed #" + s.id() + " reminder, once, Tue 8 Dec 2026 09:00 Europe/Berlin");
        });
    }
}
