package dev.serveragent.telegram;

import static dev.serveragent.testing.TelegramFixtures.post;
import static dev.serveragent.testing.TelegramFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import dev.serveragent.testing.WebhookApp;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** One transaction per update: thread, message, job, supersession; NOTIFY once committed. */
class IngestTransactionTest {
    @AutoClose
    static final WebhookApp bot = WebhookApp.start();
    static final TestDatabase db = bot.db();
    static final FakeTelegram telegram = bot.telegram();
    static final TestApp app = bot.app();

    @Test
    void a_new_message_supersedes_pending_approvals_and_cancels_jobs_awaiting_approval_in_its_thread_only() {
        post(app, text(2001, 70, 1, "first"));
        post(app, text(2002, 71, 1, "other chat"));
        long thread = threadOf(70);
        long otherThread = threadOf(71);
        long waitingJob = jobFor(2001);
        long otherJob = jobFor(2002);
        db.jdbi().useHandle(h -> {
            h.execute("update reactive_jobs set status = 'awaiting_approval' where id in (?, ?)", waitingJob, otherJob);
            h.execute("insert into approvals (thread_id, job_id, proposal_text) values (?, ?, 'Will: df -h')", thread, waitingJob);
            h.execute("insert into approvals (thread_id, job_id, proposal_text) values (?, ?, 'Will: nothing')", otherThread, otherJob);
        });

        assertThat(post(app, text(2003, 70, 2, "actually, check /var too")).statusCode()).isEqualTo(200);

        Map<String, Object> approval = db.jdbi().withHandle(h -> h.createQuery(
                "select status, resolved_at from approvals where thread_id = :t").bind("t", thread).mapToMap().one());
        assertThat(approval.get("status")).isEqualTo("superseded");
        assertThat(approval.get("resolved_at")).isNotNull();
        assertThat(status(waitingJob)).isEqualTo("canceled");
        // queued by the ingest; the reactive loop (a stranger's chat here) may have finished it since
        assertThat(status(jobFor(2003))).isIn("queued", "running", "done");
        String otherApproval = db.jdbi().withHandle(h -> h.createQuery(
                "select status from approvals where thread_id = :t").bind("t", otherThread).mapTo(String.class).one());
        assertThat(otherApproval).isEqualTo("pending");
        assertThat(status(otherJob)).isEqualTo("awaiting_approval");
    }

    @Test
    void workers_listening_on_reactive_jobs_hear_the_job_id_once_it_is_committed() throws Exception {
        Properties p = new Properties();
        db.url().user().ifPresent(u -> p.setProperty("user", u));
        db.url().password().ifPresent(pw -> p.setProperty("password", pw.reveal()));
        try (Connection listener = DriverManager.getConnection(db.url().jdbcUrl(), p)) {
            listener.createStatement().execute("listen reactive_jobs");
            post(app, text(2010, 72, 1, "wake up"));
            post(app, text(2010, 72, 1, "wake up")); // duplicate: no second notification
            List<String> payloads = new ArrayList<>();
            PGConnection pg = listener.unwrap(PGConnection.class);
            for (int i = 0; i < 3; i++) {
                PGNotification[] n = pg.getNotifications(500);
                if (n != null) {
                    for (PGNotification x : n) {
                        payloads.add(x.getParameter());
                    }
                }
            }
            assertThat(payloads).containsExactly(Long.toString(jobFor(2010)));
        }
    }

    @Test
    void a_message_in_a_known_chat_reuses_its_thread() {
        post(app, text(2020, 73, 1, "one"));
        post(app, text(2021, 73, 2, "two"));
        long threads = db.jdbi().withHandle(h -> h.createQuery(
                "select count(*) from chat_threads where platform = 'telegram' and chat_id = 73").mapTo(Long.class).one());
        assertThat(threads).isEqualTo(1);
    }

    @Test
    void an_edit_arriving_while_its_original_is_being_stored_edits_it_once_that_commits() throws Exception {
        long chat = 74;
        post(app, text(2101, chat, 1, "creates the thread"));
        long thread = threadOf(chat);
        String edit = "{\"update_id\":2103,\"edited_message\":{\"message_id\":2,\"from\":{\"id\":74,\"is_bot\":false,"
                + "\"first_name\":\"Ada\"},\"chat\":{\"id\":74,\"first_name\":\"Ada\",\"type\":\"private\"},"
                + "\"date\":1764064800,\"edit_date\":1764064830,\"text\":\"edited\"}}";
        try (var original = db.jdbi().open()) {
            // The original (message 2) is inserted but not yet committed, as by a concurrent delivery.
            original.begin();
            long id = original.createQuery("""
                            insert into chat_messages (thread_id, platform_message_id, role, text, created_at, update_id, kind)
                            values (:t, 2, 'user', 'original', now(), null, 'text') returning id""")
                    .bind("t", thread).mapTo(Long.class).one();
            var response = java.util.concurrent.CompletableFuture.supplyAsync(() -> post(app, edit),
                    java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            // The edit finds no original, tries to store the message and waits on its key.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> db.jdbi().withHandle(h ->
                    h.createQuery("select count(*) from pg_locks where not granted").mapTo(Long.class).one()) > 0);
            original.commit();

            assertThat(response.get(20, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            Map<String, Object> row = db.jdbi().withHandle(h -> h.createQuery("select text, edited_at from chat_messages where id = :id")
                    .bind("id", id).mapToMap().one());
            assertThat(row.get("text")).isEqualTo("edited");
            assertThat(row.get("edited_at")).isNotNull();
            List<String> edits = db.jdbi().withHandle(h -> h.createQuery(
                    "select previous_text || ' -> ' || new_text from chat_message_edits where message_id = :id")
                    .bind("id", id).mapTo(String.class).list());
            assertThat(edits).containsExactly("original -> edited");
        }
    }

    private static long threadOf(long chatId) {
        return db.jdbi().withHandle(h -> h.createQuery("select id from chat_threads where chat_id = :c")
                .bind("c", chatId).mapTo(Long.class).one());
    }

    private static long jobFor(long updateId) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select j.id from reactive_jobs j join chat_messages m on m.id = j.trigger_message_id where m.update_id = :u""")
                .bind("u", updateId).mapTo(Long.class).one());
    }

    private static String status(long jobId) {
        return db.jdbi().withHandle(h -> h.createQuery("select status from reactive_jobs where id = :id")
                .bind("id", jobId).mapTo(String.class).one());
    }
}
