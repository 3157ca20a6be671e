package dev.serveragent.telegram;

import static dev.serveragent.testing.TelegramFixtures.post;
import static dev.serveragent.testing.TelegramFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import dev.serveragent.testing.WebhookApp;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The outbox over the real application and a fake Bot API: stored first, sent with Telegram's limits. */
class OutboxTest {
    @AutoClose
    static final WebhookApp bot = WebhookApp.start();
    static final TestDatabase db = bot.db();
    static final FakeTelegram telegram = bot.telegram();
    static final TestApp app = bot.app();

    private static long thread(long chatId) {
        assertThat(post(app, text(900_000 + chatId, chatId, 1, "hi")).statusCode()).isEqualTo(200);
        return db.jdbi().withHandle(h -> h.createQuery("select id from chat_threads where chat_id = :c")
                .bind("c", chatId).mapTo(Long.class).one());
    }

    private static List<FakeTelegram.Call> sent(long chatId) {
        return telegram.calls("sendMessage").stream().filter(c -> c.param("chat_id").equals(Long.toString(chatId))).toList();
    }

    private static Map<String, Object> row(long id) {
        return db.jdbi().withHandle(h -> h.createQuery("select * from chat_messages where id = :id").bind("id", id).mapToMap().one());
    }

    private static void awaitSent(List<Long> ids) {
        await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(id -> "sent".equals(row(id).get("send_status"))));
    }

    @Test
    void a_message_is_stored_as_assistant_then_sent_as_plain_text_and_its_telegram_id_recorded() {
        long thread = thread(301);
        List<Long> ids = app.app().outbox().send(thread, "Disk usage: 42% <b>not html</b>");
        assertThat(ids).hasSize(1);
        Map<String, Object> stored = row(ids.get(0));
        assertThat(stored).containsEntry("role", "assistant").containsEntry("text", "Disk usage: 42% <b>not html</b>");
        awaitSent(ids);
        FakeTelegram.Call call = sent(301).getFirst();
        assertThat(call.param("text")).isEqualTo("Disk usage: 42% <b>not html</b>");
        assertThat(call.params()).doesNotContainKey("parse_mode");
        assertThat(row(ids.get(0)).get("platform_message_id")).isNotNull();
    }

    @Test
    void a_button_message_carries_one_ok_button_with_its_callback_data() {
        long thread = thread(302);
        List<Long> ids = app.app().outbox().sendWithButton(thread, "Understood: x. Will: y.", "OK", "approval:99");
        awaitSent(ids);
        String markup = sent(302).getFirst().param("reply_markup");
        assertThat(markup).contains("\"inline_keyboard\"").contains("\"text\":\"OK\"").contains("\"callback_data\":\"approval:99\"");
        assertThatThrownBy(() -> app.app().outbox().sendWithButton(thread, "x", "OK", "a".repeat(65)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_long_answer_is_split_under_the_limit_and_sent_in_order() {
        long thread = thread(303);
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < 12; p++) {
            text.append("Paragraph ").append(p).append(": ").append("lorem ipsum dolor sit amet. ".repeat(30)).append("\n\n");
        }
        List<Long> ids = app.app().outbox().send(thread, text.toString());
        assertThat(ids).hasSizeGreaterThan(2);
        awaitSent(ids);
        List<String> parts = sent(303).stream().map(c -> c.param("text")).toList();
        assertThat(parts).hasSize(ids.size()).allSatisfy(p -> assertThat(p.length()).isLessThan(4096));
        assertThat(String.join(" ", parts).replaceAll("\\s+", " ")).isEqualTo(text.toString().strip().replaceAll("\\s+", " "));
        assertThat(parts.get(0)).startsWith("Paragraph 0");
    }

    @Test
    void a_429_is_retried_after_retry_after_seconds() {
        long thread = thread(304);
        telegram.tooManyRequests("sendMessage", 1, 2);
        List<Long> ids = app.app().outbox().send(thread, "after a pause");
        awaitSent(ids);
        List<FakeTelegram.Call> calls = sent(304);
        assertThat(calls).hasSize(2);
        assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(row(ids.get(0)).get("send_attempts")).isEqualTo(1);
    }

    @Test
    void server_errors_are_retried_with_backoff_until_sent() {
        long thread = thread(305);
        telegram.serverError("sendMessage", 2, 502);
        List<Long> ids = app.app().outbox().send(thread, "eventually");
        awaitSent(ids);
        List<FakeTelegram.Call> calls = sent(305);
        assertThat(calls).hasSize(3);
        assertThat(row(ids.get(0)).get("send_attempts")).isEqualTo(3);
        // Backoff of 1 s, then 2 s, after the first and second failure.
        assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(Duration.between(calls.get(1).at(), calls.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1950));
    }

    @Test
    void a_message_telegram_refuses_is_failed_at_once_with_its_reason() {
        long thread = thread(309);
        telegram.refuse("sendMessage", 1, 400, "Bad Request: chat not found");
        long id = app.app().outbox().send(thread, "to nowhere").getFirst();
        await().atMost(Duration.ofSeconds(20)).until(() -> "failed".equals(row(id).get("send_status")));
        assertThat((String) row(id).get("send_error")).isEqualTo("400: Bad Request: chat not found");
        assertThat(row(id).get("send_attempts")).isEqualTo(1);
        assertThat(sent(309)).hasSize(1);
    }

    @Test
    void one_chat_gets_at_most_one_message_per_second() {
        long thread = thread(306);
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.addAll(app.app().outbox().send(thread, "burst " + i));
        }
        awaitSent(ids);
        assertSentAtMostOncePerSecond(306, "burst 0", "burst 1", "burst 2");
    }

    /** The chat got exactly {@code texts}, in order, each at least a second after the one before. */
    private static void assertSentAtMostOncePerSecond(long chatId, String... texts) {
        List<FakeTelegram.Call> calls = sent(chatId);
        assertThat(calls.stream().map(c -> c.param("text")).toList()).containsExactly(texts);
        for (int i = 1; i < calls.size(); i++) {
            assertThat(Duration.between(calls.get(i - 1).at(), calls.get(i).at())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        }
    }

    /** One message went to each chat; they are all different, so only the bot's pace held them back: any 31 sends span a second. */
    private static void assertKeptToTheBotsPace(List<Long> chats) {
        List<java.time.Instant> at = telegram.calls("sendMessage").stream()
                .filter(c -> chats.contains(Long.parseLong(c.param("chat_id"))))
                .map(FakeTelegram.Call::at).sorted().toList();
        assertThat(at).hasSize(chats.size());
        for (int i = 0; i + 30 < at.size(); i++) {
            assertThat(Duration.between(at.get(i), at.get(i + 30))).as("sends %d to %d", i, i + 30)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        }
    }

    @Test
    void the_bot_as_a_whole_sends_at_most_thirty_messages_per_second() {
        List<Long> chats = java.util.stream.LongStream.rangeClosed(401, 440).boxed().toList();
        List<Long> threads = chats.stream().map(OutboxTest::thread).toList();
        List<Long> ids = new java.util.ArrayList<>();
        for (long thread : threads) {
            ids.addAll(app.app().outbox().send(thread, "to everyone"));
        }
        awaitSent(ids);
        assertKeptToTheBotsPace(chats);
    }

    @Test
    void two_replicas_keep_to_the_bots_pace_together() throws Exception {
        List<Long> chats = java.util.stream.LongStream.rangeClosed(501, 540).boxed().toList();
        List<Long> threads = chats.stream().map(OutboxTest::thread).toList();
        long oneChat = thread(541);
        try (TestApp second = TestApp.start(db, Files.createTempDirectory("sa-replica"),
                TelegramFixtures.env(telegram, "https://agent.example.org"), Clock.systemUTC())) {
            List<Long> ids = new java.util.ArrayList<>();
            for (int i = 0; i < threads.size(); i++) {
                ids.addAll((i % 2 == 0 ? app : second).app().outbox().send(threads.get(i), "shared pace"));
            }
            for (int i = 0; i < 3; i++) {
                ids.addAll((i % 2 == 0 ? app : second).app().outbox().send(oneChat, "one chat " + i));
            }
            awaitSent(ids);
        }
        assertKeptToTheBotsPace(chats);
        assertSentAtMostOncePerSecond(541, "one chat 0", "one chat 1", "one chat 2");
    }

    @Test
    void two_replicas_sharing_the_database_send_every_message_exactly_once() throws Exception {
        List<Long> threads = new java.util.ArrayList<>();
        for (long chat = 320; chat < 330; chat++) {
            threads.add(thread(chat));
        }
        try (TestApp second = TestApp.start(db, Files.createTempDirectory("sa-replica"),
                TelegramFixtures.env(telegram, "https://agent.example.org"), Clock.systemUTC())) {
            List<Long> ids = new java.util.ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (long t : threads) {
                    ids.addAll((t % 2 == 0 ? app : second).app().outbox().send(t, "replica message " + round));
                }
            }
            awaitSent(ids);
        }
        for (long chat = 320; chat < 330; chat++) {
            assertThat(sent(chat).stream().map(c -> c.param("text")).toList())
                    .as("chat %d", chat).containsExactly("replica message 0", "replica message 1");
        }
    }

    @Test
    void an_edit_and_a_button_removal_are_stored_then_made_on_the_sent_message() {
        long thread = thread(307);
        long id = app.app().outbox().sendWithButton(thread, "Working on it…", "OK", "ok:1").getLast();
        awaitSent(List.of(id));
        Object tgId = row(id).get("platform_message_id");

        app.app().channels().edit(id, "Done after 8 s.");
        app.app().channels().removeButton(id);

        assertThat(row(id)).containsEntry("text", "Done after 8 s.").containsEntry("reply_markup", null);
        List<String> edits = db.jdbi().withHandle(h -> h.createQuery(
                "select previous_text || ' -> ' || new_text from chat_message_edits where message_id = :m").bind("m", id).mapTo(String.class).list());
        assertThat(edits).containsExactly("Working on it… -> Done after 8 s.");
        assertThat(telegram.calls("editMessageText")).anySatisfy(c -> assertThat(c.params())
                .containsEntry("chat_id", "307").containsEntry("message_id", tgId.toString())
                .containsEntry("text", "Done after 8 s.").doesNotContainKey("parse_mode"));
        assertThat(telegram.calls("editMessageReplyMarkup")).anySatisfy(c ->
                assertThat(c.params()).containsEntry("chat_id", "307").containsEntry("message_id", tgId.toString()));
    }

    @Test
    void without_a_bot_token_messages_are_stored_and_never_sent() throws Exception {
        long thread = thread(308);
        try (TestApp offline = TestApp.start(db, Files.createTempDirectory("sa-offline"), Map.of(), Clock.systemUTC())) {
            List<Long> ids = offline.app().outbox().send(thread, "nobody will see this on Telegram");
            assertThat(row(ids.get(0))).containsEntry("role", "assistant").containsEntry("send_status", null);
            assertThat(offline.app().channels().channel("telegram")).isEmpty();
            offline.app().channels().edit(ids.get(0), "edited, still only stored");
            assertThat(row(ids.get(0))).containsEntry("text", "edited, still only stored");
        }
    }
}
