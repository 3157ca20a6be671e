package dev.serveragent.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.claude.FakeClaude;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real application with fake Telegram, fake Anthropic and the fake {@code claude} CLI, driven
 * over the webhook as Telegram would. One per test; every field has a default.
 */
public final class AgentHarness implements AutoCloseable {
    public static final long MASTER = 4242;
    public static final long STRANGER = 9999;
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration WAIT = Duration.ofSeconds(30);

    public final TestDatabase db = TestDatabase.create();
    public final FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
    public final FakeAnthropic anthropic = FakeAnthropic.start();
    /** Real time (pacing and leases need it to move) that a test can shift forward. */
    public final TestClock clock = TestClock.ticking();
    public final FakeClaude claude;
    public final TestApp app;
    private final AtomicLong updateIds = new AtomicLong(500_000);
    private final AtomicLong messageIds = new AtomicLong(1);

    public AgentHarness(Path dataDir, String claudeScenario, Map<String, String> extraEnv) {
        this(dataDir, claudeScenario, extraEnv, List.of(), db -> {});
    }

    /**
     * With more channels than Telegram and the console. {@code beforeStart} runs on the test
     * database first (a channel's migration, say).
     */
    public AgentHarness(Path dataDir, String claudeScenario, Map<String, String> extraEnv,
            List<dev.serveragent.channel.ChannelPlugin> plugins, java.util.function.Consumer<TestDatabase> beforeStart) {
        Path workdir = dataDir.resolve("workspace");
        claude = FakeClaude.useInWorkdir(workdir, claudeScenario);
        Map<String, String> env = env(telegram, anthropic, workdir);
        env.putAll(extraEnv);
        beforeStart.accept(db);
        app = TestApp.start(db.databaseUrlEnv(), dataDir, env, clock, plugins);
    }

    /** A Master's bot on the fakes, in webhook mode, proactive loop off. */
    public static Map<String, String> env(FakeTelegram telegram, FakeAnthropic anthropic, Path workdir) {
        Map<String, String> env = new HashMap<>(TelegramFixtures.env(telegram, "https://agent.example"));
        env.put("MASTER_CHAT_IDS", Long.toString(MASTER));
        env.put("ANTHROPIC_API_KEY", "sk-ant-test");
        env.put("ANTHROPIC_BASE_URL", anthropic.url());
        env.put("CLAUDE_CODE_BIN", FakeClaude.SCRIPT.toString());
        env.put("CLAUDE_CODE_WORKDIR", workdir.toString());
        env.put("CLAUDE_CODE_OAUTH_TOKEN", "oat-test");
        env.put("PROACTIVE_ENABLED", "false");
        return env;
    }

    public static String classification(String intent, boolean confirm) {
        return FakeAnthropic.message("{\"intent\":\"" + intent + "\",\"summary\":\"you want " + intent + " handled\","
                + "\"plan\":\"handle the " + intent + "\",\"needs_confirmation\":" + confirm + ",\"confidence\":0.9}", 120, 30);
    }

    /** The next Haiku answer. */
    public void classifyAs(String intent, boolean confirm) {
        anthropic.respond(200, classification(intent, confirm));
    }

    /** Posts a text message from {@code chat} to the webhook; returns its Telegram message id. */
    public long say(long chat, String text) {
        long mid = messageIds.getAndIncrement();
        var r = TelegramFixtures.post(app, TelegramFixtures.text(updateIds.getAndIncrement(), chat, mid, text));
        if (r.statusCode() != 200) {
            throw new AssertionError("webhook answered " + r.statusCode() + ": " + r.body());
        }
        return mid;
    }

    /** Posts a text message from {@code from} in {@code chat} (a group when negative). */
    public long sayIn(long chat, long from, String text) {
        long mid = messageIds.getAndIncrement();
        String update = "{\"update_id\":" + updateIds.getAndIncrement() + ",\"message\":{\"message_id\":" + mid
                + ",\"from\":{\"id\":" + from + ",\"is_bot\":false,\"first_name\":\"Member\"},\"chat\":{\"id\":" + chat
                + ",\"title\":\"Ops\",\"type\":\"supergroup\"},\"date\":1764064800,\"text\":"
                + com.fasterxml.jackson.databind.node.TextNode.valueOf(text) + "}}";
        var r = TelegramFixtures.post(app, update);
        if (r.statusCode() != 200) {
            throw new AssertionError("webhook answered " + r.statusCode() + ": " + r.body());
        }
        return mid;
    }

    /** A press on a message Telegram no longer includes (too old): no message, no chat. */
    public void pressWithoutMessage(long from, String data) {
        String update = "{\"update_id\":" + updateIds.getAndIncrement() + ",\"callback_query\":{\"id\":\"cb" + updateIds.get()
                + "\",\"from\":{\"id\":" + from + ",\"is_bot\":false,\"first_name\":\"X\"},\"chat_instance\":\"1\",\"data\":\"" + data + "\"}}";
        var r = TelegramFixtures.post(app, update);
        if (r.statusCode() != 200) {
            throw new AssertionError("webhook answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** Presses a button as {@code from} in {@code chat}, on bot message {@code messageId}. */
    public void press(long chat, long from, long messageId, String data) {
        var r = TelegramFixtures.post(app, TelegramFixtures.press(updateIds.getAndIncrement(), chat, from, messageId, data));
        if (r.statusCode() != 200) {
            throw new AssertionError("webhook answered " + r.statusCode() + ": " + r.body());
        }
    }

    public List<FakeTelegram.Call> sent() {
        return telegram.calls("sendMessage");
    }

    /** Waits for the n-th sendMessage (1-based) and returns it. */
    public FakeTelegram.Call awaitSent(int n) {
        await().atMost(WAIT).until(() -> sent().size() >= n);
        return sent().get(n - 1);
    }

    public FakeTelegram.Call awaitCall(String method, int n) {
        await().atMost(WAIT).until(() -> telegram.calls(method).size() >= n);
        return telegram.calls(method).get(n - 1);
    }

    /** The callback_data of the button of a sent message, or null without one. */
    public static String button(FakeTelegram.Call call) {
        String markup = call.param("reply_markup");
        if (markup == null) {
            return null;
        }
        try {
            JsonNode k = JSON.readTree(markup).path("inline_keyboard");
            return k.get(0).get(0).path("callback_data").asText();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public static String buttonText(FakeTelegram.Call call) throws IOException {
        return JSON.readTree(call.param("reply_markup")).path("inline_keyboard").get(0).get(0).path("text").asText();
    }

    /** Telegram message id the fake gave to a sent message, once the outbox has recorded it. */
    public long telegramIdOf(String text) {
        return await().atMost(WAIT).until(() -> db.jdbi().withHandle(h -> h.createQuery(
                        "select platform_message_id from chat_messages where role = 'assistant' and text = :t and platform_message_id is not null")
                .bind("t", text).mapTo(Long.class).findOne()), java.util.Optional::isPresent).get();
    }

    public long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    public String one(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }

    /**
     * Wakes the reactive worker and returns once it has nothing due at the clock and no job
     * running: every job the test's requests queued has settled (done, failed, parked or requeued
     * for later). Waits for that signal, never polls the database.
     */
    public void awaitJobsSettled() {
        try {
            assertThat(app.app().reactive().worker().awaitIdle(WAIT)).as("the reactive worker went idle").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public void awaitCount(String sql, long n) {
        await().atMost(WAIT).until(() -> count(sql) == n);
    }

    @Override
    public void close() {
        app.close();
        telegram.close();
        anthropic.close();
        db.close();
    }
}
