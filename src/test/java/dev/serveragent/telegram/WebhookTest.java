package dev.serveragent.telegram;

import static dev.serveragent.testing.TelegramFixtures.SECRET;
import static dev.serveragent.testing.TelegramFixtures.WEBHOOK;
import static dev.serveragent.testing.TelegramFixtures.post;
import static dev.serveragent.testing.TelegramFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TcpProxy;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /telegram/webhook over HTTP against the real application: guards, exactly-once, outages. */
class WebhookTest {
    static TestDatabase db;
    static FakeTelegram telegram;
    TestApp app;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void create() {
        db = TestDatabase.create();
        telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
    }

    @AfterAll
    static void drop() {
        telegram.close();
        db.close();
    }

    @BeforeEach
    void startApp() {
        app = TestApp.start(db, dataDir, TelegramFixtures.env(telegram, "https://agent.example.org"), Clock.systemUTC());
    }

    @AfterEach
    void stopApp() {
        app.close();
    }

    private long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @Test
    void a_wrong_or_missing_secret_is_401_and_stores_nothing() {
        String body = text(1001, 50, 1, "hello");
        var wrong = app.post(WEBHOOK, body, Map.of("X-Telegram-Bot-Api-Secret-Token", SECRET + "x"));
        var missing = app.post(WEBHOOK, body, Map.of());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(count("select count(*) from telegram_updates where update_id = 1001")).isZero();
        assertThat(count("select count(*) from chat_messages where update_id = 1001")).isZero();
    }

    @Test
    void a_body_over_one_mebibyte_is_413() {
        String big = text(1002, 50, 2, "x".repeat(1024 * 1024 + 10));
        assertThat(post(app, big).statusCode()).isEqualTo(413);
        assertThat(count("select count(*) from telegram_updates where update_id = 1002")).isZero();
    }

    @Test
    void a_chunked_body_over_the_cap_is_413_too() {
        for (int size : new int[] {1024 * 1024 + 100, 3 * 1024 * 1024}) {
            byte[] body = text(1009, 50, 9, "y".repeat(size)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var request = java.net.http.HttpRequest.newBuilder(app.uri(WEBHOOK))
                    .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                    .build();
            assertThat(app.send(request).statusCode()).as("%d bytes, no Content-Length", body.length).isEqualTo(413);
        }
        assertThat(count("select count(*) from telegram_updates where update_id = 1009")).isZero();
    }

    @Test
    void malformed_json_is_400_and_the_process_keeps_serving() {
        assertThat(post(app, "{\"update_id\": 5, \"message\": ").statusCode()).isEqualTo(400);
        assertThat(post(app, "[1,2,3]").statusCode()).isEqualTo(400);
        assertThat(post(app, "{\"message\":{}}").statusCode()).isEqualTo(400);
        assertThat(post(app, text(1003, 50, 3, "still alive?")).statusCode()).isEqualTo(200);
        assertThat(count("select count(*) from chat_messages where update_id = 1003")).isEqualTo(1);
    }

    @Test
    void a_nul_character_postgres_cannot_store_is_dropped_rather_than_failing_for_ever() {
        assertThat(post(app, text(1010, 56, 10, "bad\u0000byte")).statusCode()).isEqualTo(200);
        String stored = db.jdbi().withHandle(h -> h.createQuery("select text from chat_messages where update_id = 1010")
                .mapTo(String.class).one());
        assertThat(stored).isEqualTo("badbyte");
    }

    @Test
    void the_same_update_twice_is_stored_once_and_answered_200_both_times() {
        String body = text(1004, 51, 4, "once please");
        assertThat(post(app, body).statusCode()).isEqualTo(200);
        assertThat(post(app, body).statusCode()).isEqualTo(200);
        assertThat(count("select count(*) from telegram_updates where update_id = 1004")).isEqualTo(1);
        assertThat(app.get("/metrics").body())
                .contains("telegram_updates_total{kind=\"message\",result=\"duplicate\"}")
                .contains("telegram_webhook_seconds_count{status=\"200\"}");
        assertThat(count("select count(*) from chat_messages where update_id = 1004")).isEqualTo(1);
        assertThat(count("""
                select count(*) from reactive_jobs j join chat_messages m on m.id = j.trigger_message_id
                where m.update_id = 1004""")).isEqualTo(1);
    }

    @Test
    void eight_concurrent_deliveries_of_one_update_store_one_message_and_one_job() throws Exception {
        String body = text(1005, 52, 5, "racing deliveries");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return post(app, body);
                }));
            }
            go.countDown();
            for (Future<HttpResponse<String>> a : answers) {
                assertThat(a.get().statusCode()).isEqualTo(200);
            }
        }
        assertThat(count("select count(*) from chat_messages where update_id = 1005")).isEqualTo(1);
        assertThat(count("select count(*) from chat_threads where chat_id = 52")).isEqualTo(1);
        assertThat(count("""
                select count(*) from reactive_jobs j join chat_messages m on m.id = j.trigger_message_id
                where m.update_id = 1005 and j.mode = 'classify' -- the reactive loop may have taken it since""")).isEqualTo(1);
    }

    @Test
    void a_database_outage_answers_503_and_telegrams_retry_is_stored_once() throws Exception {
        app.close();
        URI server = URI.create(db.url().jdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(server.getHost(), server.getPort())) {
            String viaProxy = db.databaseUrlEnv().replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
            app = TestApp.start(viaProxy, dataDir, TelegramFixtures.env(telegram, "https://agent.example.org"), Clock.systemUTC());
            String body = text(1006, 53, 6, "sent during an outage");

            proxy.cut();
            assertThat(post(app, body).statusCode()).isEqualTo(503);
            assertThat(count("select count(*) from telegram_updates where update_id = 1006")).isZero();

            proxy.restore();
            // Telegram retries until it gets a 200; the pool reconnects on the way.
            HttpResponse<String> retried = post(app, body);
            for (int i = 0; i < 20 && retried.statusCode() != 200; i++) {
                assertThat(retried.statusCode()).isEqualTo(503);
                retried = post(app, body);
            }
            assertThat(retried.statusCode()).isEqualTo(200);
            assertThat(post(app, body).statusCode()).isEqualTo(200);
        }
        assertThat(count("select count(*) from chat_messages where update_id = 1006")).isEqualTo(1);
        assertThat(count("select count(*) from reactive_jobs j join chat_messages m on m.id = j.trigger_message_id where m.update_id = 1006"))
                .isEqualTo(1);
    }

    @Test
    void neither_the_webhook_secret_nor_the_bot_token_is_ever_logged() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try {
            app.close();
            app = TestApp.start(db, dataDir, TelegramFixtures.env(telegram, "https://agent.example.org"), Clock.systemUTC());
            app.post(WEBHOOK, text(1008, 55, 8, "x"), Map.of("X-Telegram-Bot-Api-Secret-Token", "guess"));
            post(app, "{not json");
            post(app, text(1008, 55, 8, "logged?"));
            app.app().outbox().send(db.jdbi().withHandle(h -> h.createQuery(
                    "select id from chat_threads where chat_id = 55").mapTo(Long.class).one()), "reply");
        } finally {
            root.detachAppender(logs);
        }
        assertThat(logs.list).isNotEmpty();
        assertThat(logs.list).allSatisfy(e -> {
            // What the console appender writes: the message and every exception in the chain.
            StringBuilder all = new StringBuilder(e.getFormattedMessage());
            for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                all.append('\n').append(ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(t));
            }
            assertThat(all.toString()).doesNotContain(SECRET).doesNotContain(TelegramFixtures.TOKEN);
        });
    }

    @Test
    void without_a_bot_token_there_is_no_webhook() {
        app.close();
        app = TestApp.start(db, dataDir, Map.of(), Clock.systemUTC());
        assertThat(post(app, text(1007, 54, 7, "anyone?")).statusCode()).isEqualTo(404);
        assertThat(count("select count(*) from telegram_updates where update_id = 1007")).isZero();
    }
}
