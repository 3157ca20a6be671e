package dev.serveragent.agenda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.config.ApprovalConfig;
import dev.serveragent.proactive.MasterChannel;
import dev.serveragent.reactive.ApprovalProposals;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.store.ScheduleRepository;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.store.Transactions;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's review, M5 and L2: a scheduled task come due far too late waits for the Master's OK
 * (reminders still go, marked late); one schedule whose firing fails costs only itself.
 */
class ScheduleFiringSafetyTest {
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

    Schedule task(String prompt, String at) {
        return a.agenda.schedules().schedule(Scope.reactive(thread), new Schedules.Request("task", prompt, Optional.of(at),
                Optional.empty(), Optional.empty(), Optional.empty()));
    }

    void wireApprovalPath() {
        var threads = new ThreadRepository(db.jdbi(), clock);
        var approvals = new ApprovalProposals(new MasterChannel(a.outbox, a.masters, List.of(dev.serveragent.channel.Channel.CONSOLE), threads),
                new ApprovalRepository(db.jdbi()), a.outbox, new Transactions(db.jdbi()),
                new ApprovalConfig(ApprovalConfig.Policy.AUTO, Duration.ofHours(24)), clock);
        a.agenda.firing().askWith(approvals::ask);
    }

    @Test
    void a_task_due_more_than_the_late_limit_ago_is_not_run_the_master_gets_an_ok_to_run_it_now_and_the_hold_is_recorded() {
        wireApprovalPath();
        Schedule s = task("rotate the logs", "2026-12-07T09:00:00Z");
        clock.set(Instant.parse("2026-12-07T13:00:00Z")); // down from before 09:00 to 13:00: four hours late

        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);
        assertThat(a.agenda.firing().runOnce()).isZero();

        // nothing runs: the only job is parked, awaiting the OK, and carries the prompt to run on OK
        Map<String, Object> job = db.jdbi().withHandle(h -> h.createQuery("""
                select status, mode, payload_json->>'origin' as origin, payload_json->'classification'->>'plan' as plan
                from reactive_jobs""").mapToMap().one());
        assertThat(job).containsEntry("status", "awaiting_approval").containsEntry("mode", "execute")
                .containsEntry("origin", "schedule").containsEntry("plan", "rotate the logs");
        Map<String, Object> approval = db.jdbi().withHandle(h -> h.createQuery(
                "select a.id, a.thread_id, a.status, m.text, m.reply_markup::text as markup from approvals a"
                        + " join chat_messages m on m.id = a.ack_message_id").mapToMap().one());
        assertThat(approval).containsEntry("thread_id", thread).containsEntry("status", "pending");
        assertThat((String) approval.get("text")).contains("Scheduled task #" + s.id()).contains("was due Mon 7 Dec 2026 09:00 UTC")
                .contains("4 hours late").contains("did not run it on my own").contains("rotate the logs").endsWith("OK runs it now.");
        assertThat((String) approval.get("markup")).contains("ok:" + approval.get("id"));

        ScheduleRepository.Firing f = new ScheduleRepository(db.jdbi()).firings(s.id()).getFirst();
        assertThat(f.held()).isTrue();
        assertThat(f.late()).isTrue();
        assertThat(f.jobId()).isEmpty();
        assertThat(f.approvalId()).contains((Long) approval.get("id"));
        assertThat(new ScheduleRepository(db.jdbi()).find(s.id()).orElseThrow().status()).isEqualTo("done");
    }

    @Test
    void a_task_late_within_the_limit_still_runs_on_its_own_and_says_it_is_late() {
        wireApprovalPath();
        task("rotate the logs", "2026-12-07T09:00:00Z");
        clock.set(Instant.parse("2026-12-07T09:59:00Z")); // 59 minutes late, the limit is an hour

        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);
        assertThat(a.count("select count(*) from reactive_jobs where status = 'queued' and payload_json->>'late' = 'true'")).isEqualTo(1);
        assertThat(a.count("select count(*) from approvals")).isZero();
    }

    @Test
    void without_the_approval_path_a_too_late_task_is_still_not_run_and_the_master_is_told() {
        task("rotate the logs", "2026-12-07T09:00:00Z");
        clock.set(Instant.parse("2026-12-08T09:00:00Z"));

        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);
        assertThat(a.count("select count(*) from reactive_jobs")).isZero();
        assertThat(a.messages(thread)).singleElement().asString().contains("24 hours late").contains("Ask me to run it");
    }

    @Test
    void a_reminder_hours_late_is_still_sent_marked_late() {
        a.agenda.schedules().schedule(Scope.reactive(thread), Schedules.Request.reminderAt("call the bank", "2026-12-07T09:00:00Z"));
        clock.set(Instant.parse("2026-12-07T17:00:00Z"));
        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);
        assertThat(a.messages(thread)).singleElement().asString().startsWith("⏰ Reminder (late:").endsWith(": call the bank");
    }

    @Test
    void one_schedule_whose_firing_fails_is_recorded_as_failed_and_the_others_of_its_batch_still_fire() {
        // A poison row: its reminder's message cannot be stored (the database refuses it mid-transaction).
        db.jdbi().useHandle(h -> h.execute("""
                create function refuse_poison() returns trigger language plpgsql as $$
                begin
                  if new.text like '%POISON%' then raise exception 'poison message refused'; end if;
                  return new;
                end $$;
                create trigger refuse_poison before insert on chat_messages for each row execute function refuse_poison();"""));
        Schedule before = a.agenda.schedules().schedule(Scope.reactive(thread), Schedules.Request.reminderAt("first", "2026-12-07T08:58:00Z"));
        Schedule poison = a.agenda.schedules().schedule(Scope.reactive(thread),
                Schedules.Request.reminderCron("POISON", "59 8 * * *", null));
        Schedule after = a.agenda.schedules().schedule(Scope.reactive(thread), Schedules.Request.reminderAt("last", "2026-12-07T09:00:00Z"));
        clock.set(Instant.parse("2026-12-07T09:00:00Z"));

        assertThat(a.agenda.firing().runOnce()).isEqualTo(3);
        assertThat(a.agenda.firing().runOnce()).isZero(); // the poison row moved on: not retried in a loop

        assertThat(a.messages(thread)).containsExactly("⏰ Reminder (late: it was due Mon 7 Dec 2026 08:58 UTC and I was not running then): first",
                "⏰ Reminder: last");
        ScheduleRepository repo = new ScheduleRepository(db.jdbi());
        assertThat(repo.firings(before.id())).singleElement().satisfies(f -> assertThat(f.messageId()).isPresent());
        assertThat(repo.firings(after.id())).singleElement().satisfies(f -> assertThat(f.error()).isEmpty());
        List<ScheduleRepository.Firing> failed = repo.firings(poison.id());
        assertThat(failed).singleElement().satisfies(f -> {
            assertThat(f.error()).hasValueSatisfying(e -> assertThat(e).contains("poison message refused"));
            assertThat(f.messageId()).isEmpty();
            assertThat(f.dueAt()).isEqualTo(Instant.parse("2026-12-07T08:59:00Z"));
        });
        ScheduleRepository.Row row = repo.find(poison.id()).orElseThrow();
        assertThat(row.status()).isEqualTo("active");
        assertThat(row.nextFireAt()).contains(Instant.parse("2026-12-08T08:59:00Z")); // a recurring one goes on
    }

    @Test
    void a_transient_database_error_is_not_recorded_as_the_schedules_failure_and_the_firing_comes_again() {
        // A lock timeout while the one-shot's reminder is stored: says nothing about the schedule, so it must not end it.
        db.jdbi().useHandle(h -> h.execute("""
                create function time_out_once() returns trigger language plpgsql as $$
                begin
                  if new.text like '%call the bank%' then
                    raise exception 'canceling statement due to lock timeout' using errcode = '55P03';
                  end if;
                  return new;
                end $$;
                create trigger time_out_once before insert on chat_messages for each row execute function time_out_once();"""));
        Schedule bank = a.agenda.schedules().schedule(Scope.reactive(thread), Schedules.Request.reminderAt("call the bank", "2026-12-07T09:00:00Z"));
        clock.set(Instant.parse("2026-12-07T09:00:00Z"));

        assertThatThrownBy(() -> a.agenda.firing().runOnce()).satisfies(e -> assertThat(Transactions.isTransient(e)).isTrue());
        ScheduleRepository repo = new ScheduleRepository(db.jdbi());
        assertThat(repo.firings(bank.id())).isEmpty();
        assertThat(repo.find(bank.id()).orElseThrow().status()).isEqualTo("active");

        db.jdbi().useHandle(h -> h.execute("drop trigger time_out_once on chat_messages"));
        assertThat(a.agenda.firing().runOnce()).isEqualTo(1);
        assertThat(a.messages(thread)).containsExactly("⏰ Reminder: call the bank");
        assertThat(repo.find(bank.id()).orElseThrow().status()).isEqualTo("done");
    }
}
