package dev.serveragent.reactive;

import static dev.serveragent.testing.AgentHarness.MASTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serveragent.claude.FakeClaude;
import dev.serveragent.store.OutboxRepository;
import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.AppProcess;
import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.Locks;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The real application, a child JVM, SIGKILLed at an exact point of a message's way (held there
 * from outside: by a row lock in Postgres, by a fake peer keeping its answer back) and started
 * again on the same database: nothing is lost, nothing done twice.
 */
@ExtendWith(AppProcess.LogsOnFailure.class)
@ResourceLock(Locks.CHILD_JVMS)
class SigkillFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;
    @AutoClose
    final TestDatabase db = TestDatabase.create();
    @AutoClose
    final FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
    @AutoClose
    final FakeAnthropic anthropic = FakeAnthropic.start();
    @AutoClose
    AppProcess app;
    FakeClaude claude;

    @BeforeEach
    void start() {
        Path workdir = dataDir.resolve("workspace");
        claude = FakeClaude.useInWorkdir(workdir, "echo");
        Map<String, String> env = AgentHarness.env(telegram, anthropic, workdir);
        env.put("REACTIVE_LEASE_SECONDS", "5"); // the shortest lease: a killed worker's job is re-claimed within 5 s
        app = AppProcess.start("app", db, dataDir, env);
    }

    @Test
    void killed_inside_the_ingest_transaction_nothing_is_stored_and_telegrams_retry_is_stored_once_with_one_job_and_one_ack() throws Exception {
        anthropic.respondByDefault(AgentHarness.classification("command", true));
        assertThat(app.postUpdate(TelegramFixtures.text(101, MASTER, 1, "first, to open the thread")).statusCode()).isEqualTo(200);
        // Recorded as sent, not only received by Telegram: a kill in between would be the outbox case below.
        await().atMost(WAIT).until(() -> acks().size() == 1 && count("select count(*) from chat_messages where role = 'assistant' and send_status = 'sent'") == 1);
        long thread = count("select id from chat_threads where chat_id = " + MASTER);

        String update = TelegramFixtures.text(102, MASTER, 2, "caught in the middle");
        try (Handle blocker = db.jdbi().open()) {
            // An uncommitted row with the message's key: the app's transaction (update row and thread
            // upsert done) waits on it at its chat_messages insert until this one ends.
            blocker.begin();
            blocker.execute("insert into chat_messages (thread_id, platform_message_id, role, created_at) values (?, 2, 'user', now())", thread);
            var answer = app.postUpdateAsync(update);
            long backend = awaitBackendWaitingAt("insert into chat_messages");
            assertThat(count("""
                    select count(distinct c.relname) from pg_locks l join pg_class c on c.oid = l.relation
                    where l.pid = %d and c.relname in ('telegram_updates', 'chat_threads') and l.mode = 'RowExclusiveLock'"""
                    .formatted(backend))).as("the update's row and the thread upsert are written, uncommitted").isEqualTo(2);
            assertThat(count("select count(*) from telegram_updates where update_id = 102")).as("and not visible").isZero();

            app.kill();
            assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).as("Telegram got no 200, so it delivers the update again")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
            blocker.rollback();
            // Let the lock go: the orphaned backend finishes its statement, finds its client gone, rolls back and ends.
            await().atMost(WAIT).until(() -> count("select count(*) from pg_stat_activity where pid = " + backend) == 0);
        }
        assertThat(count("select count(*) from telegram_updates where update_id = 102")).as("nothing half-stored").isZero();
        assertThat(count("select count(*) from chat_messages where role = 'user'")).isEqualTo(1);
        assertThat(count("select count(*) from reactive_jobs")).isEqualTo(1);

        app.restart();
        assertThat(app.postUpdate(update).statusCode()).as("Telegram's retry").isEqualTo(200);
        // ">= 2": should a second ack go out, the hasSize(2) below shows all of them.
        try {
            await().atMost(WAIT).until(() -> acks().size() >= 2);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no second acknowledgement; Telegram got: " + telegram.calls("sendMessage")
                    + "; jobs: " + rows("select id, mode, status, attempts, run_after, lease_until, last_error from reactive_jobs")
                    + "; outbox: " + rows("select id, send_status, send_attempts, next_attempt_at, locked_until, send_started_at, left(text, 40) as text"
                            + " from chat_messages where role = 'assistant'"), e);
        }
        assertThat(app.postUpdate(update).statusCode()).as("and a retry of the retry").isEqualTo(200);

        assertThat(count("select count(*) from telegram_updates where update_id = 102")).isEqualTo(1);
        assertThat(count("select count(*) from chat_messages where role = 'user' and platform_message_id = 2")).isEqualTo(1);
        assertThat(count("""
                select count(*) from reactive_jobs j join chat_messages m on m.id = j.trigger_message_id
                where m.platform_message_id = 2""")).as("one job").isEqualTo(1);
        assertSettled();
        assertThat(acks()).as("one acknowledgement per message").hasSize(2);
    }

    @Test
    void killed_while_the_classifier_thinks_the_message_is_classified_and_acknowledged_once_after_restart() {
        anthropic.respondByDefault(AgentHarness.classification("question", false));
        anthropic.hold();
        assertThat(app.postUpdate(TelegramFixtures.text(201, MASTER, 1, "what is the disk usage?")).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> anthropic.requests().size() == 1);

        app.kill();
        anthropic.release(); // the held answer goes to a dead connection
        assertThat(count("select count(*) from reactive_jobs where status = 'running'")).isEqualTo(1);
        assertThat(telegram.calls("sendMessage")).isEmpty();

        app.restart();
        // The dead worker's lease runs out (at most 5 s), the new life re-claims and classifies again.
        await().atMost(WAIT).until(() -> count("select count(*) from reactive_jobs where status = 'done'") == 1);
        assertSettled();
        assertThat(anthropic.requests()).as("classified once per life").hasSize(2);
        assertThat(acks()).as("one acknowledgement over both lives").hasSize(1);
        assertThat(telegram.calls("sendMessage")).as("the acknowledgement and the answer").hasSize(2);
        assertThat(claude.runs()).as("answered once").hasSize(1);
        assertThat(count("select count(*) from chat_messages where role = 'user'")).as("stored once").isEqualTo(1);
        assertThat(count("select count(*) from token_ledger where meta_json ->> 'purpose' = 'classify'"))
                .as("the interrupted call was never answered, so it is not charged").isEqualTo(1);
    }

    @Test
    void killed_with_the_acknowledgement_queued_but_the_job_not_yet_moved_on_it_is_acknowledged_once() {
        anthropic.respondByDefault(AgentHarness.classification("question", false));
        anthropic.hold();
        assertThat(app.postUpdate(TelegramFixtures.text(251, MASTER, 1, "what time is it?")).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> anthropic.requests().size() == 1);
        long backend;
        try (Handle blocker = db.jdbi().open()) {
            // The hourly token rollup locked: the classification's ledger row (its trigger), written after
            // the job is moved on and its acknowledgement queued, in the same transaction, waits on it.
            blocker.begin();
            blocker.execute("lock table token_usage_hourly in exclusive mode");
            anthropic.release();
            backend = awaitBackendWaitingAt("insert into token_ledger");
            assertThat(count("""
                    select count(distinct c.relname) from pg_locks l join pg_class c on c.oid = l.relation
                    where l.pid = %d and c.relname in ('reactive_jobs', 'chat_messages') and l.mode = 'RowExclusiveLock'"""
                    .formatted(backend))).as("the job moved on and the acknowledgement queued, uncommitted").isEqualTo(2);
            app.kill();
            blocker.rollback();
        }
        await().atMost(WAIT).until(() -> count("select count(*) from pg_stat_activity where pid = " + backend) == 0);
        assertThat(count("select count(*) from chat_messages where role = 'assistant'")).as("nothing of the step is left").isZero();
        assertThat(acks()).as("nothing was sent").isEmpty();
        app.restart();
        await().atMost(WAIT).until(() -> count("select count(*) from reactive_jobs where status = 'done'") == 1);
        assertSettled();
        assertThat(acks()).as("one acknowledgement over both lives").hasSize(1);
        assertThat(count("select count(*) from token_ledger where meta_json ->> 'purpose' = 'classify'")).isEqualTo(1);
    }

    @Test
    void killed_while_telegram_holds_a_sendmessage_the_message_is_uncertain_and_never_sent_again() {
        anthropic.respondByDefault(AgentHarness.classification("command", true));
        telegram.hold("sendMessage");
        assertThat(app.postUpdate(TelegramFixtures.text(301, MASTER, 1, "restart nginx")).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> acks().size() == 1);
        String approval = AgentHarness.button(acks().getFirst()); // the acknowledgements' texts are alike, their buttons are not

        app.kill();
        telegram.release("sendMessage");
        assertThat(count("select count(*) from chat_messages where role = 'assistant' and send_status = 'pending' and send_started_at is not null"))
                .as("begun, never finished").isEqualTo(1);

        app.restart();
        // The dead sender's claim runs out within OutboxSender.LEASE (15 s; no heartbeat renews it now).
        await().atMost(WAIT).until(() -> count("select count(*) from chat_messages where role = 'assistant' and send_status = 'uncertain'") == 1);

        assertThat(app.postUpdate(TelegramFixtures.text(302, MASTER, 2, "and reload it")).statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> acks().size() == 2);
        assertSettled();
        assertThat(telegram.calls("sendMessage").stream().filter(c -> approval.equals(AgentHarness.button(c)))).as("never sent again").hasSize(1);
        assertThat(count("select count(*) from chat_messages where role = 'assistant' and send_status = 'sent' and kind <> '"
                + OutboxRepository.NOTICE_KIND + "'")).isEqualTo(1);
        // The uncertain acknowledgement is not silent: one notice says a reply may be missing (issue 18).
        await().atMost(WAIT).until(() -> count("select count(*) from chat_messages where kind = '" + OutboxRepository.NOTICE_KIND
                + "' and send_status = 'sent'") == 1);
    }

    /** Waits until a backend of the app waits on a lock in a statement containing {@code sql}; returns its pid. */
    private long awaitBackendWaitingAt(String sql) {
        return await().atMost(WAIT).until(() -> db.jdbi().withHandle(h -> h.createQuery("""
                        select pid from pg_stat_activity
                        where datname = current_database() and wait_event_type = 'Lock' and query like '%' || :sql || '%'""")
                .bind("sql", sql).mapTo(Long.class).findOne()), java.util.Optional::isPresent).get();
    }

    /** Every job at rest and nothing left to send: no further message can go out. */
    private void assertSettled() {
        await().atMost(WAIT).until(() -> count("select count(*) from reactive_jobs where status in ('queued', 'running')") == 0
                && count("select count(*) from chat_messages where role = 'assistant' and send_status = 'pending'") == 0);
    }

    private List<FakeTelegram.Call> acks() {
        return telegram.calls("sendMessage").stream().filter(c -> c.param("text").startsWith("Understood:")).toList();
    }

    private List<java.util.Map<String, Object>> rows(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapToMap().list());
    }

    private long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
