package dev.serveragent.telegram;

import static dev.serveragent.testing.TelegramFixtures.SECRET;
import static dev.serveragent.testing.TelegramFixtures.WEBHOOK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import dev.serveragent.testing.UpdateMutator;
import dev.serveragent.testing.UpdateMutator.Kind;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.Locks;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Property: whatever body a client posts with the right secret (real updates mutated by
 * {@link UpdateMutator}), the real application's webhook answers 200, 400 or 413, never a 5xx;
 * a 200 means the update is stored and anything else that nothing of it is; every stored update
 * has what its kind requires; and the process keeps serving. Posted over one keep-alive client.
 */
@ResourceLock(Locks.CHILD_JVMS)
class WebhookBadInputTest {
    static final int CASES = Integer.parseInt(System.getenv().getOrDefault("BAD_INPUT_CASES", "10000"));
    static final int CLIENTS = 4;
    static final long FIRST_ID = 500_000_000L;
    static final List<String> FIXTURES = List.of("message_text", "message_voice", "message_photo", "message_document",
            "message_audio", "message_video_note", "edited_message", "channel_post", "group_message", "callback_query", "my_chat_member");

    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @AutoClose
    static final FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
    /**
     * Ingest only (REACTIVE_WORKERS=0, ARTIFACT_WORKERS=0): the property is about the webhook, not about
     * answering thousands of messages or fetching the files of thousands of media placeholders (the
     * artifact workers took a quarter of this class's CPU, issue 20); a placeholder is stored either way.
     */
    @AutoClose
    static final TestApp app = start();

    private static TestApp start() {
        Map<String, String> env = new java.util.HashMap<>(TelegramFixtures.env(telegram, "https://agent.example.org"));
        env.put("REACTIVE_WORKERS", "0");
        env.put("ARTIFACT_WORKERS", "0");
        // Atomicity is what is tested here, not durability: commits need not wait for the disk.
        db.jdbi().useHandle(h -> h.execute("alter database \"" + db.name() + "\" set synchronous_commit = off"));
        try {
            return TestApp.start(db, java.nio.file.Files.createTempDirectory("sa-bad-input"), env, java.time.Clock.systemUTC());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private final AtomicLong ids = new AtomicLong(FIRST_ID);
    /** update_id → status, for the bodies whose update_id the mutation left as it was. */
    private final Map<Long, Integer> answered = new ConcurrentHashMap<>();

    private int post(byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(app.uri(WEBHOOK))
                .header("X-Telegram-Bot-Api-Secret-Token", SECRET).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return app.send(request).statusCode();
    }

    private void postOne(String fixture, Kind kind, long seed) {
        long updateId = ids.incrementAndGet();
        byte[] body = UpdateMutator.mutate(fixture, kind, seed, updateId);
        int status = post(body);
        assertThat(status).as("%s %s seed %d", fixture, kind, seed).isIn(200, 400, 413);
        if (kind == Kind.NONE) {
            assertThat(status).as("%s unmutated", fixture).isEqualTo(200);
        }
        if (new String(body, StandardCharsets.UTF_8).startsWith("{\"update_id\":" + updateId + ",")) {
            answered.put(updateId, status);
        }
    }

    @Test
    void bad_input_never_gets_a_5xx_never_half_stored_and_the_process_keeps_serving() {
        // Four clients at once, as Telegram's several connections would be: the cases are independent.
        try (var clients = java.util.concurrent.Executors.newFixedThreadPool(CLIENTS)) {
            List<java.util.concurrent.Future<?>> runs = new java.util.ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                runs.add(clients.submit(() -> qt().withExamples(CASES / CLIENTS).withShrinkCycles(20)
                        .forAll(arbitrary().pick(FIXTURES), arbitrary().enumValues(Kind.class), longs().all())
                        .checkAssert(this::postOne)));
            }
            for (var run : runs) {
                try {
                    run.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }

        // Durable before acknowledged, and nothing of a refused body.
        Set<Long> stored = db.jdbi().withHandle(h -> h.createQuery("select update_id from telegram_updates where update_id > :first")
                .bind("first", FIRST_ID).mapTo(Long.class).set());
        Set<Long> accepted = answered.entrySet().stream().filter(e -> e.getValue() == 200).map(Map.Entry::getKey).collect(Collectors.toSet());
        Set<Long> refused = answered.entrySet().stream().filter(e -> e.getValue() != 200).map(Map.Entry::getKey).collect(Collectors.toSet());
        assertThat(accepted).as("accepted updates").isNotEmpty();
        assertThat(refused).as("refused updates").isNotEmpty();
        assertThat(stored).as("every 200 is stored").containsAll(accepted);
        assertThat(stored).as("no refused body is stored").doesNotContainAnyElementsOf(refused);

        // No partial writes: each stored update has what its kind requires.
        List<String> unlinked = db.jdbi().withHandle(h -> h.createQuery("""
                select u.kind || ' ' || left(cast(u.raw_payload as text), 400) from telegram_updates u where u.update_id > :first
                  and u.kind in ('message', 'channel_post', 'edited_message', 'edited_channel_post') and u.message_id is null
                  -- unless the chat already has a message of that id: the same message again
                  and not exists (select 1 from chat_messages m join chat_threads t on t.id = m.thread_id
                                   where t.chat_id = u.chat_id and m.role = 'user'
                                     and cast(m.platform_message_id as text) = u.raw_payload -> u.kind ->> 'message_id')
                limit 5""").bind("first", FIRST_ID).mapTo(String.class).list());
        assertThat(unlinked).as("message updates stored without their message").isEmpty();
        assertThat(count("""
                select count(*) from telegram_updates u join chat_messages m on m.id = u.message_id
                 where u.update_id > :first and m.update_id = u.update_id
                   and not exists (select 1 from reactive_jobs j where j.trigger_message_id = m.id)""")).as("new messages without a job").isZero();
        assertThat(count("""
                select count(*) from chat_messages m where m.update_id > :first and m.role = 'user'
                   and not exists (select 1 from telegram_updates u where u.update_id = m.update_id)""")).as("messages without an update").isZero();
        assertThat(count("""
                select count(*) from reactive_jobs j join chat_messages m on m.id = j.trigger_message_id
                 where m.update_id > :first group by j.trigger_message_id having count(*) > 1""")).as("messages with two jobs").isZero();

        assertThat(app.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(app.get("/readyz").statusCode()).isEqualTo(200);
        long after = ids.incrementAndGet();
        assertThat(post(TelegramFixtures.text(after, 4242, after, "still serving").getBytes(StandardCharsets.UTF_8))).isEqualTo(200);
    }

    private static long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).bind("first", FIRST_ID).mapTo(Long.class).findOne().orElse(0L));
    }
}
