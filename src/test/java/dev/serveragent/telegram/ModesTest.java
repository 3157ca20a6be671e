package dev.serveragent.telegram;

import static dev.serveragent.testing.TelegramFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.Locks;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** Webhook registration with PUBLIC_URL; long polling without it, across restarts. */
@ResourceLock(Locks.LONG_POLLING_LOG) // counts the "long polling started" lines of the JVM's logs
class ModesTest {
    TestDatabase db;
    FakeTelegram telegram;

    @TempDir
    Path dataDir;

    @BeforeEach
    void create() {
        db = TestDatabase.create();
        telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
    }

    @AfterEach
    void drop() {
        telegram.close();
        db.close();
    }

    private long messages() {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from chat_messages where role = 'user'").mapTo(Long.class).one());
    }

    /** telegram_poll_errors_total from the app's /metrics. */
    private static double pollErrors(TestApp app) {
        return app.get("/metrics").body().lines().filter(l -> l.startsWith("telegram_poll_errors_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private List<Long> storedUpdateIds() {
        return db.jdbi().withHandle(h -> h.createQuery("select update_id from telegram_updates order by update_id").mapTo(Long.class).list());
    }

    @Test
    void with_a_public_url_the_webhook_is_registered_with_its_secret_and_pending_updates_kept() {
        try (TestApp app = TestApp.start(db, dataDir, TelegramFixtures.env(telegram, "https://agent.example.org/"), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.calls("setWebhook").isEmpty());
            FakeTelegram.Call call = telegram.calls("setWebhook").getFirst();
            assertThat(call.param("url")).isEqualTo("https://agent.example.org/telegram/webhook");
            assertThat(call.param("secret_token")).isEqualTo(TelegramFixtures.SECRET);
            assertThat(call.param("drop_pending_updates")).isEqualTo("false");
            assertThat(call.param("allowed_updates")).contains("message", "edited_message", "channel_post", "callback_query");
            assertThat(telegram.calls("getUpdates")).isEmpty();
            assertThat(telegram.calls("deleteWebhook")).isEmpty();
        }
    }

    @Test
    void a_refused_webhook_falls_back_to_long_polling() {
        telegram.refuse("setWebhook", 1, 400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
        telegram.queueUpdate(text(5101, 83, 1, "still reachable"));
        try (TestApp app = TestApp.start(db, dataDir, TelegramFixtures.env(telegram, "http://not-https.example.org"), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> messages() == 1);
            assertThat(telegram.calls("setWebhook")).hasSize(1);
            assertThat(telegram.calls("deleteWebhook")).hasSize(1);
        }
    }

    @Test
    void long_polling_removes_the_webhook_keeping_updates_and_stores_what_it_polls() {
        telegram.queueUpdate(text(5001, 80, 1, "polled one"));
        telegram.queueUpdate(text(5002, 80, 2, "polled two"));
        try (TestApp app = TestApp.start(db, dataDir, TelegramFixtures.env(telegram, null), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> messages() == 2);
            FakeTelegram.Call delete = telegram.calls("deleteWebhook").getFirst();
            assertThat(delete.param("drop_pending_updates")).isEqualTo("false");
            // getMe (the bot's @username) is asked in the background; of the polling calls, deleteWebhook comes first.
            assertThat(telegram.calls().stream().filter(c -> !c.method().equalsIgnoreCase("getMe")).findFirst().orElseThrow().method())
                    .isEqualToIgnoringCase("deleteWebhook");
            long jobs = db.jdbi().withHandle(h -> h.createQuery("select count(*) from reactive_jobs").mapTo(Long.class).one());
            assertThat(jobs).isEqualTo(2);
        }
    }

    @Test
    void of_two_replicas_exactly_one_long_polls_and_the_other_takes_over_when_it_stops() throws Exception {
        Path otherDir = java.nio.file.Files.createTempDirectory("sa-replica-b");
        try (dev.serveragent.testing.CapturedLogs logs = dev.serveragent.testing.CapturedLogs.start()) {
            TestApp a = TestApp.start(db, dataDir, TelegramFixtures.env(telegram, null), Clock.systemUTC());
            try (TestApp b = TestApp.start(db, otherDir, TelegramFixtures.env(telegram, null), Clock.systemUTC())) {
                try {
                    await().atMost(Duration.ofSeconds(10)).until(() -> count(logs, "Another replica long-polls Telegram") == 1);
                    assertThat(count(logs, "Telegram long polling started")).as("one poller").isEqualTo(1);
                    telegram.queueUpdate(text(6101, 86, 1, "while both run"));
                    await().atMost(Duration.ofSeconds(10)).until(() -> messages() == 1);
                } finally {
                    a.close();
                }
                // The poller's replica stopped: the other takes over within its retry interval.
                await().atMost(LongPoller.FOLLOWER_RETRY.plusSeconds(10)).until(() -> count(logs, "Telegram long polling started") == 2);
                telegram.queueUpdate(text(6102, 86, 2, "after the hand-over"));
                await().atMost(Duration.ofSeconds(10)).until(() -> messages() == 2);
            }
        }
        assertThat(storedUpdateIds()).containsExactly(6101L, 6102L);
    }

    private static long count(dev.serveragent.testing.CapturedLogs logs, String text) {
        return logs.lines().stream().filter(l -> l.contains(text)).count();
    }

    @Test
    void a_restart_during_long_polling_neither_loses_nor_replays_updates() {
        telegram.queueUpdate(text(6001, 81, 1, "before restart 1"));
        telegram.queueUpdate(text(6002, 81, 2, "before restart 2"));
        try (TestApp app = TestApp.start(db, dataDir, TelegramFixtures.env(telegram, null), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> messages() == 2);
        }
        // While the agent is down, Telegram keeps new updates (and, until confirmed, old ones).
        telegram.queueUpdate(text(6003, 81, 3, "while down"));
        int callsBefore = telegram.calls("getUpdates").size();
        try (TestApp app = TestApp.start(db, dataDir, TelegramFixtures.env(telegram, null), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> messages() == 3);
            FakeTelegram.Call firstAfterRestart = telegram.calls("getUpdates").get(callsBefore);
            assertThat(firstAfterRestart.param("offset")).as("resumes after the last stored update").isEqualTo("6003");
            telegram.queueUpdate(text(6004, 81, 4, "after restart"));
            await().atMost(Duration.ofSeconds(10)).until(() -> messages() == 4);
        }
        assertThat(storedUpdateIds()).containsExactly(6001L, 6002L, 6003L, 6004L);
        long jobs = db.jdbi().withHandle(h -> h.createQuery("select count(*) from reactive_jobs").mapTo(Long.class).one());
        assertThat(jobs).isEqualTo(4);
    }

    @Test
    void a_database_outage_during_long_polling_leaves_the_update_unconfirmed_until_it_is_stored() throws Exception {
        java.net.URI server = java.net.URI.create(db.url().jdbcUrl().substring("jdbc:".length()));
        try (dev.serveragent.testing.TcpProxy proxy = new dev.serveragent.testing.TcpProxy(server.getHost(), server.getPort())) {
            String viaProxy = db.databaseUrlEnv().replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
            try (TestApp app = TestApp.start(viaProxy, dataDir, TelegramFixtures.env(telegram, null), Clock.systemUTC())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.calls("getUpdates").isEmpty());
                proxy.cut();
                // A poll in flight may fetch it; storing it fails, so it is not confirmed. Later
                // polls wait for the database (the offset lives there).
                telegram.queueUpdate(text(6201, 85, 1, "polled during an outage"));
                await().atMost(Duration.ofSeconds(20)).until(() -> pollErrors(app) >= 2);
                assertThat(telegram.heldUpdates()).as("not confirmed during the outage").isEqualTo(1);
                assertThat(messages()).isZero();
                proxy.restore();
                await().atMost(Duration.ofSeconds(30)).until(() -> messages() == 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> telegram.heldUpdates() == 0);
            }
        }
        assertThat(storedUpdateIds()).containsExactly(6201L);
        long offset = db.jdbi().withHandle(h -> h.createQuery("select next_offset from telegram_poll_state").mapTo(Long.class).one());
        assertThat(offset).isEqualTo(6202);
    }

    @Test
    void an_update_fetched_again_after_a_crash_before_the_offset_was_saved_is_not_stored_twice() {
        // The crash window: the update is committed (here through the webhook) but the poller's
        // offset never moved past it, so Telegram hands it out again.
        String update = text(6101, 84, 1, "committed, offset not saved");
        try (TestApp app = TestApp.start(db, dataDir, TelegramFixtures.env(telegram, "https://agent.example.org"), Clock.systemUTC())) {
            assertThat(TelegramFixtures.post(app, update).statusCode()).isEqualTo(200);
        }
        telegram.queueUpdate(update);
        telegram.queueUpdate(text(6102, 84, 2, "the next one"));
        try (TestApp app = TestApp.start(db, dataDir, TelegramFixtures.env(telegram, null), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(10)).until(() -> messages() == 2 && telegram.heldUpdates() == 0);
        }
        long jobs = db.jdbi().withHandle(h -> h.createQuery("select count(*) from reactive_jobs").mapTo(Long.class).one());
        assertThat(jobs).isEqualTo(2);
        assertThat(storedUpdateIds()).containsExactly(6101L, 6102L);
    }

    @Test
    void a_failing_get_updates_is_retried_without_losing_anything() {
        telegram.serverError("getUpdates", 1, 502);
        telegram.queueUpdate(text(7001, 82, 1, "after a Telegram hiccup"));
        try (TestApp app = TestApp.start(db, dataDir, TelegramFixtures.env(telegram, null), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(15)).until(() -> messages() == 1);
        }
    }
}
