package dev.serveragent.agenda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.store.ScheduleRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Firing schedules against a real database with a moved clock: on time, once, late, across replicas and restarts. */
class ScheduleFiringTest {
    static final ZoneId UTC = ZoneId.of("UTC");
    static final Instant MONDAY = Instant.parse("2026-12-07T08:00:00Z");

    TestDatabase db;
    final TestClock clock = new TestClock(MONDAY);
    AgendaFixture a;
    long thread;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        a = AgendaFixture.on(db, clock, UTC);
        thread = a.thread();
    }

    @AfterEach
    void tearDown() {
        a.close();
        db.close();
    }

    Schedule reminderAt(String text, String at) {
        return a.agenda.schedules().schedule(Scope.reactive(thread), Schedules.Request.reminderAt(text, at));
    }

    @Test
    void a_one_shot_reminder_fires_at_its_time_once_with_its_text_and_no_model() {
        Schedule s = reminderAt("call the bank", "2026-12-07T09:00:00Z");
        assertThat(s.nextFireAt()).contains(Instant.parse("2026-12-07T09:00:00Z"));

        clock.set(Instant.parse("2026-12-07T08:59:59Z"));
        assertThat(a.agenda.firing().runOnce()).isZero();
        clock.set(Instant.parse("2026-12-07T09:00:00Z"));
        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);
        clock.advance(Duration.ofDays(1));
        assertThat(a.agenda.firing().runOnce()).isZero();

        assertThat(a.messages(thread)).containsExactly("⏰ Reminder: call the bank");
        ScheduleRepository repo = new ScheduleRepository(db.jdbi());
        assertThat(repo.find(s.id()).orElseThrow().status()).isEqualTo("done");
        assertThat(repo.firings(s.id())).singleElement().satisfies(f -> {
            assertThat(f.late()).isFalse();
            assertThat(f.firedAt()).isEqualTo(Instant.parse("2026-12-07T09:00:00Z"));
            assertThat(f.messageId()).isPresent();
        });
        assertThat(a.count("select count(*) from token_ledger")).isZero();
    }

    @Test
    void a_one_shot_missed_while_the_agent_was_down_fires_once_on_start_and_says_it_is_late() {
        Schedule s = reminderAt("water the plants", "2026-12-07T09:00:00Z");
        clock.set(Instant.parse("2026-12-07T11:30:00Z")); // the agent was down from 08:30 to 11:30

        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);
        assertThat(a.agenda.firing().runOnce()).isZero();

        assertThat(a.messages(thread)).singleElement().asString()
                .startsWith("⏰ Reminder (late: it was due Mon 7 Dec 2026 09:00 UTC and I was not running then): water the plants");
        assertThat(new ScheduleRepository(db.jdbi()).firings(s.id())).singleElement().satisfies(f -> assertThat(f.late()).isTrue());
    }

    @Test
    void a_recurring_schedule_down_for_three_days_fires_once_late_counts_the_missed_ones_and_goes_on_from_now() {
        Schedule s = a.agenda.schedules().schedule(Scope.reactive(thread), Schedules.Request.reminderCron("stand-up", "0 9 * * *", null));
        assertThat(s.nextFireAt()).contains(Instant.parse("2026-12-07T09:00:00Z"));
        clock.set(Instant.parse("2026-12-07T09:00:00.400Z"));
        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);

        clock.set(Instant.parse("2026-12-10T10:00:00Z")); // down from the 8th to the 10th at 10:00
        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);
        assertThat(a.agenda.firing().runOnce()).isZero();

        List<ScheduleRepository.Firing> firings = new ScheduleRepository(db.jdbi()).firings(s.id());
        assertThat(firings).extracting(ScheduleRepository.Firing::late).containsExactly(false, true);
        assertThat(firings.get(1).dueAt()).isEqualTo(Instant.parse("2026-12-08T09:00:00Z"));
        assertThat(firings.get(1).skipped()).isEqualTo(2); // the 9th and the 10th
        assertThat(a.messages(thread).get(1)).contains("late: it was due Tue 8 Dec 2026 09:00 UTC")
                .contains("2 later time(s) missed too").endsWith(": stand-up");
        assertThat(new ScheduleRepository(db.jdbi()).find(s.id()).orElseThrow().nextFireAt())
                .contains(Instant.parse("2026-12-11T09:00:00Z"));
    }

    @Test
    void two_replicas_on_one_database_fire_each_of_300_due_schedules_exactly_once() throws Exception {
        for (int i = 0; i < 300; i++) {
            reminderAt("r" + i, "2026-12-07T09:00:00Z");
        }
        clock.set(Instant.parse("2026-12-07T09:00:00Z"));
        try (AgendaFixture other = AgendaFixture.replica(db, clock, UTC)) {
            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Callable<Integer>> replicas = List.of(a.agenda.firing(), other.agenda.firing()).stream()
                        .map(f -> (Callable<Integer>) () -> {
                            start.await();
                            return f.runOnce();
                        }).toList();
                int total = 0;
                for (Future<Integer> f : pool.invokeAll(replicas)) {
                    total += f.get();
                }
                assertThat(total).isEqualTo(300);
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(a.count("select count(*) from schedule_firings")).isEqualTo(300);
        assertThat(a.count("select count(distinct text) from chat_messages where role = 'assistant'")).isEqualTo(300);
        assertThat(a.count("select count(*) from chat_messages where role = 'assistant'")).isEqualTo(300);
        assertThat(a.count("select count(*) from schedules where status = 'done'")).isEqualTo(300);
    }

    @Test
    void a_schedule_survives_a_restart_and_fires_from_the_next_process() {
        Schedule s;
        try (AgendaFixture before = AgendaFixture.replica(db, clock, UTC)) {
            s = before.agenda.schedules().schedule(Scope.reactive(thread), Schedules.Request.reminderAt("renew the domain",
                    "2026-12-07T10:00:00Z"));
        } // the process ends: its pool closes
        clock.set(Instant.parse("2026-12-07T10:00:00.250Z"));
        try (AgendaFixture after = AgendaFixture.replica(db, clock, UTC)) {
            assertThat(after.agenda.firing().runOnce()).isEqualTo(1);
            assertThat(after.agenda.schedules().list(Scope.reactive(thread))).isEmpty();
        }
        assertThat(a.messages(thread)).containsExactly("⏰ Reminder: renew the domain");
        assertThat(new ScheduleRepository(db.jdbi()).firings(s.id())).singleElement().satisfies(f -> assertThat(f.late()).isFalse());
    }

    @Test
    void a_task_fires_as_a_queued_execute_job_of_its_thread_carrying_its_prompt_and_token_ceiling() {
        Schedule s = a.agenda.schedules().schedule(Scope.reactive(thread), new Schedules.Request("task",
                "check the disk and tell me if it is over 80%", java.util.Optional.empty(), java.util.Optional.of("0 8 * * 1-5"),
                java.util.Optional.of("Europe/Berlin"), java.util.Optional.of(50_000L)));
        assertThat(s.nextFireAt()).contains(Instant.parse("2026-12-08T07:00:00Z")); // Tue 08:00 CET
        clock.set(Instant.parse("2026-12-08T07:00:00Z"));
        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);

        Map<String, Object> job = db.jdbi().withHandle(h -> h.createQuery("""
                select thread_id, trigger_message_id, status, mode, payload_json->>'origin' as origin,
                       (payload_json->>'token_ceiling')::bigint as ceiling, payload_json->'classification'->>'plan' as plan
                from reactive_jobs""").mapToMap().one());
        assertThat(job).containsEntry("thread_id", thread).containsEntry("status", "queued").containsEntry("mode", "execute")
                .containsEntry("origin", "schedule").containsEntry("ceiling", 50_000L)
                .containsEntry("plan", "check the disk and tell me if it is over 80%");
        assertThat(job.get("trigger_message_id")).isNull();
        assertThat(new ScheduleRepository(db.jdbi()).find(s.id()).orElseThrow().nextFireAt())
                .contains(Instant.parse("2026-12-09T07:00:00Z"));
        assertThat(a.messages(thread)).isEmpty(); // the run answers, not the firing
    }

    @Test
    void a_canceled_schedule_never_fires() {
        Schedule s = reminderAt("nope", "2026-12-07T09:00:00Z");
        a.agenda.schedules().cancel(Scope.reactive(thread), s.id());
        clock.set(Instant.parse("2026-12-07T09:00:00Z"));
        assertThat(a.agenda.firing().runOnce()).isZero();
        assertThat(a.messages(thread)).isEmpty();
    }

    @Test
    void the_background_loop_fires_a_schedule_made_on_this_replica_without_runOnce_being_called() {
        clock.set(Instant.parse("2026-12-07T09:00:00Z"));
        a.agenda.firing().start();
        a.agenda.firing().start(); // idempotent
        reminderAt("now", "2026-12-07T09:00:00Z");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.messages(thread).size() == 1);
        a.agenda.firing().stop();
        a.agenda.firing().stop();
    }
}
