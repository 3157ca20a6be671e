package dev.serveragent.proactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.channel.MasterNaming;
import dev.serveragent.masters.Masters;
import dev.serveragent.proactive.ProactiveScheduler.Tick;
import dev.serveragent.store.AgentSettingsRepository;
import dev.serveragent.store.MasterRepository;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The first-run notice reaches the Master's chat (Telegram when a Telegram Master is known) once, at
 * the loop's first step as leader, before it could spend anything, and never again after a restart.
 */
class FirstRunNoticeTest {
    static final String NOTICE = ProactiveWork.notice(7_000_000);
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

    private FirstRunNotice notice(MasterChannel master) {
        return new FirstRunNotice(master, new AgentSettingsRepository(db.jdbi()), NOTICE, clock);
    }

    @Test
    void the_notice_says_what_the_loop_does_how_to_give_it_work_and_how_to_pause_it() {
        assertThat(NOTICE).contains("tasks you mark autonomous").contains("standing goals").contains("7000000 tokens per UTC day")
                .contains("spends nothing").contains("/tasks auto ID").contains("/goals add TEXT").contains("/pause")
                .contains("dashboard");
    }

    @Test
    void the_leader_sends_it_to_the_telegram_master_once_before_any_cycle_and_not_again_after_a_restart() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 5, Optional.of(clock)).answering(() -> ProactiveCycleTest.GOOD);
        long telegramThread;
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "first", () -> db.database().dedicatedConnection("t1"),
                () -> false)) {
            r.scheduler.firstRunNotice(notice(r.master));
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.IDLE);
            assertThat(r.outbox.sent).extracting(RecordingOutbox.Sent::text).containsExactly(NOTICE);
            telegramThread = r.outbox.sent.getFirst().threadId();
            assertThat(telegramThread).isEqualTo(new ThreadRepository(db.jdbi(), clock).findOrCreate("telegram", Replica.MASTER_CHAT));
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.IDLE);
            assertThat(r.outbox.sent).hasSize(1);
            assertThat(runner.requests).isEmpty();
        }
        // A restart (or another replica taking over), now with work: the cycle runs, the notice is not sent again.
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "again", () -> db.database().dedicatedConnection("t2"),
                () -> true)) {
            r.scheduler.firstRunNotice(notice(r.master));
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);
            assertThat(r.outbox.sent).extracting(RecordingOutbox.Sent::text).doesNotContain(NOTICE);
        }
    }

    @Test
    void while_the_loop_is_paused_it_waits_and_after_resume_it_is_sent() {
        ScriptedClaudeRunner runner = ScriptedClaudeRunner.fixed(10_000, 5, Optional.of(clock)).answering(() -> ProactiveCycleTest.GOOD);
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "paused", () -> db.database().dedicatedConnection("t3"),
                () -> false)) {
            r.scheduler.firstRunNotice(notice(r.master));
            r.control.pause();
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.PAUSED);
            assertThat(r.outbox.sent).as("'the loop is on' is not said while it is paused").isEmpty();
            r.control.resume();
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.IDLE);
            assertThat(r.outbox.sent).extracting(RecordingOutbox.Sent::text).containsExactly(NOTICE);
        }
    }

    @Test
    void before_a_telegram_master_is_known_it_goes_to_the_console_and_once_one_is_it_goes_to_telegram_too_once() {
        RecordingOutbox outbox = new RecordingOutbox();
        ThreadRepository threads = new ThreadRepository(db.jdbi(), clock);
        MasterChannel consoleOnly = new MasterChannel(outbox, new Masters(List.of(MasterNaming.listedOrPaired("telegram", List.of()),
                dev.serveragent.console.ConsoleChannel.MASTERS), new MasterRepository(db.jdbi()), clock), List.of("telegram", "console"), threads);
        FirstRunNotice first = notice(consoleOnly);
        assertThat(first.offer()).isTrue();
        assertThat(first.offer()).as("no Telegram Master yet: it keeps looking, but the console has it already").isFalse();
        assertThat(outbox.sent).hasSize(1);
        long console = outbox.sent.getFirst().threadId();

        MasterChannel withTelegram = new MasterChannel(outbox, new Masters(List.of(MasterNaming.listedOrPaired("telegram",
                List.of(Replica.MASTER_CHAT)), dev.serveragent.console.ConsoleChannel.MASTERS), new MasterRepository(db.jdbi()), clock),
                List.of("telegram", "console"), threads);
        assertThat(first.offer()).isFalse();
        FirstRunNotice afterPairing = notice(withTelegram);
        assertThat(afterPairing.offer()).isTrue();
        assertThat(afterPairing.offer()).isFalse();
        assertThat(notice(withTelegram).offer()).as("after a restart").isFalse();
        assertThat(outbox.sent).extracting(RecordingOutbox.Sent::text).containsExactly(NOTICE, NOTICE);
        assertThat(outbox.sent.get(1).threadId()).isNotEqualTo(console)
                .isEqualTo(threads.findOrCreate("telegram", Replica.MASTER_CHAT));
        assertThat(afterPairing.sentTo()).hasSize(2);
    }
}
