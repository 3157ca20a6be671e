package dev.serveragent.agenda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.store.ScheduleRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Cron in the Master's zone across daylight saving time: Europe/Berlin, daily at 02:30, through
 * the spring change (2026-03-29: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist) and the
 * autumn one (2026-10-25: 03:00 CEST falls back to 02:00 CET, so 02:30 happens twice).
 */
class ScheduleDstTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @AutoClose
    final TestDatabase db = TestDatabase.create();

    /** Lets the schedule fire at each of its due times in turn (the clock set to each), returning them. */
    List<Instant> firings(String cron, Instant from, int n) {
        TestClock clock = new TestClock(from);
        try (AgendaFixture a = AgendaFixture.on(db, clock, BERLIN)) {
            Schedule s = a.agenda.schedules().schedule(Scope.reactive(a.thread()), Schedules.Request.reminderCron("dst", cron, null));
            ScheduleRepository repo = new ScheduleRepository(db.jdbi());
            List<Instant> fired = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Instant due = repo.find(s.id()).orElseThrow().nextFireAt().orElseThrow();
                clock.set(due);
                assertThat(a.agenda.firing().runOnce()).isEqualTo(1);
                assertThat(a.agenda.firing().runOnce()).isZero(); // the same wall time never fires twice
                fired.add(due);
            }
            assertThat(repo.firings(s.id())).allSatisfy(f -> assertThat(f.late()).isFalse());
            return fired;
        }
    }

    @Test
    void daily_0230_across_the_spring_change_fires_every_day_the_missing_time_just_after_the_gap() {
        assertThat(firings("30 2 * * *", Instant.parse("2026-03-27T12:00:00Z"), 4)).containsExactly(
                Instant.parse("2026-03-28T01:30:00Z"),  // 02:30 CET
                Instant.parse("2026-03-29T01:30:00Z"),  // 02:30 does not exist: 03:30 CEST, the same instant as 02:30 CET would be
                Instant.parse("2026-03-30T00:30:00Z"),  // 02:30 CEST
                Instant.parse("2026-03-31T00:30:00Z"));
    }

    @Test
    void daily_0230_across_the_autumn_change_fires_once_on_the_day_0230_happens_twice() {
        assertThat(firings("30 2 * * *", Instant.parse("2026-10-23T12:00:00Z"), 4)).containsExactly(
                Instant.parse("2026-10-24T00:30:00Z"),  // 02:30 CEST
                Instant.parse("2026-10-25T00:30:00Z"),  // the first 02:30 (CEST); the second (01:30Z, CET) does not fire
                Instant.parse("2026-10-26T01:30:00Z"),  // 02:30 CET
                Instant.parse("2026-10-27T01:30:00Z"));
    }

    @Test
    void a_weekday_0900_schedule_stays_at_0900_local_time_on_both_sides_of_the_change() {
        assertThat(firings("0 9 * * 1-5", Instant.parse("2026-03-26T12:00:00Z"), 3)).containsExactly(
                Instant.parse("2026-03-27T08:00:00Z"),  // Fri 09:00 CET
                Instant.parse("2026-03-30T07:00:00Z"),  // Mon 09:00 CEST
                Instant.parse("2026-03-31T07:00:00Z"));
    }

    @Test
    void hourly_across_the_autumn_overlap_fires_each_wall_time_once() {
        CronRule hourly = CronRule.parse("30 * * * *");
        List<Instant> got = new ArrayList<>();
        Instant t = Instant.parse("2026-10-24T23:00:00Z"); // 01:00 CEST
        for (int i = 0; i < 3; i++) {
            t = hourly.next(t, BERLIN).orElseThrow();
            got.add(t);
        }
        assertThat(got).containsExactly(
                Instant.parse("2026-10-24T23:30:00Z"),  // 01:30 CEST
                Instant.parse("2026-10-25T00:30:00Z"),  // 02:30 CEST
                Instant.parse("2026-10-25T02:30:00Z")); // 03:30 CET (02:30 CET, a wall time already fired, is skipped)
    }

    @Test
    void a_schedule_made_during_the_second_pass_of_the_overlap_fires_at_the_second_0230() {
        assertThat(CronRule.parse("30 2 * * *").next(Instant.parse("2026-10-25T01:10:00Z"), BERLIN)) // 02:10 CET
                .contains(Instant.parse("2026-10-25T01:30:00Z"));
    }
}
