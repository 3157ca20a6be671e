package dev.serveragent.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pengrad.telegrambot.TelegramBot;
import dev.serveragent.store.OutboxRepository;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.FakeTelegram.Wire;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The outbox's delivery rules (docs/TELEGRAM.md) against a fake Bot API that misbehaves on the
 * wire after it has delivered: a send Telegram may have acted on is never repeated; one that never
 * reached it is. Each case sends "before", the case's message, then "after" to one chat, over one
 * kept-alive connection (so OkHttp's own silent retry would show as a second delivery).
 */
class DeliveryRulesTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @AutoClose
    static final FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
    static final OutboxRepository outbox = new OutboxRepository(db.jdbi());
    static final AtomicLong chats = new AtomicLong(7100);

    private static TelegramBot bot(String apiUrl, Duration ioTimeout) {
        return new TelegramBot.Builder(TelegramFixtures.TOKEN)
                .okHttpClient(BotApiHttp.client(Duration.ofSeconds(1), ioTimeout))
                .apiUrl(apiUrl + "/bot").build();
    }

    private static OutboxSender sender(String apiUrl) {
        OutboxSender sender = new OutboxSender(outbox, bot(apiUrl, Duration.ofSeconds(1)), Clock.systemUTC(), new SimpleMeterRegistry());
        sender.start();
        return sender;
    }

    private record Chat(long chatId, long thread) {
        long send(String text) {
            return outbox.enqueue(thread, List.of(text), Optional.empty(), true, Instant.now()).getFirst();
        }

        List<String> delivered() {
            return telegram.calls("sendMessage").stream().filter(c -> c.param("chat_id").equals(Long.toString(chatId)))
                    .map(c -> c.param("text")).toList();
        }
    }

    private static Chat chat() {
        long chatId = chats.incrementAndGet();
        long thread = db.jdbi().withHandle(h -> h.createQuery(
                "insert into chat_threads (platform, chat_id) values ('telegram', :c) returning id").bind("c", chatId).mapTo(Long.class).one());
        return new Chat(chatId, thread);
    }

    private static Map<String, Object> row(long id) {
        return db.jdbi().withHandle(h -> h.createQuery("select * from chat_messages where id = :id").bind("id", id).mapToMap().one());
    }

    private static void awaitStatus(long id, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> status.equals(row(id).get("send_status")));
    }

    /** Sends before, the misbehaving one, after; returns the misbehaving row once "after" is sent. */
    private static Map<String, Object> around(Chat chat, Wire how, String text) {
        OutboxSender sender = sender(telegram.url());
        try {
            awaitStatus(chat.send("before"), "sent");
            telegram.misbehave("sendMessage", 1, how);
            long id = chat.send(text);
            awaitStatus(chat.send("after"), "sent");
            return row(id);
        } finally {
            sender.stop();
        }
    }

    @Test
    void a_send_slower_than_its_claim_lease_keeps_its_claim_and_a_second_sender_leaves_it_alone() {
        // A short lease, a slow Telegram: without the heartbeat the second sender (polling every
        // second) takes the row over once the lease runs out and ends it uncertain mid-send.
        Duration lease = Duration.ofMillis(600);
        Chat chat = chat();
        telegram.hold("sendMessage");
        OutboxSender first = new OutboxSender(outbox, bot(telegram.url(), Duration.ofSeconds(10)), Clock.systemUTC(), new SimpleMeterRegistry(), lease);
        OutboxSender second = new OutboxSender(outbox, bot(telegram.url(), Duration.ofSeconds(10)), Clock.systemUTC(), new SimpleMeterRegistry(), lease);
        first.start();
        second.start();
        try {
            long id = chat.send("slow");
            await().atMost(Duration.ofSeconds(20)).until(() -> row(id).get("send_started_at") != null);
            await().during(Duration.ofMillis(3_000)).atMost(Duration.ofSeconds(5)).until(() -> "pending".equals(row(id).get("send_status")));
            telegram.release("sendMessage");
            awaitStatus(id, "sent");
            assertThat(chat.delivered()).containsExactly("slow");
            assertThat(row(id)).containsEntry("send_error", null).containsEntry("send_attempts", 1);
        } finally {
            telegram.release("sendMessage");
            first.stop();
            second.stop();
        }
    }

    @Test
    void an_unreadable_2xx_answer_counts_as_sent_once_without_a_message_id() {
        for (Wire how : List.of(Wire.HTML_200, Wire.TRUNCATED_200, Wire.EMPTY_200)) {
            Chat chat = chat();
            Map<String, Object> row = around(chat, how, "accepted " + how);
            assertThat(chat.delivered()).as("%s", how).containsExactly("before", "accepted " + how, "after");
            assertThat(row).as("%s", how).containsEntry("send_status", "sent").containsEntry("platform_message_id", null);
            assertThat((String) row.get("send_error")).as("%s", how).startsWith("accepted, answer unreadable");
        }
    }

    @Test
    void an_answer_lost_after_the_request_was_written_is_uncertain_and_not_sent_again() {
        for (Wire how : List.of(Wire.CLOSED, Wire.SILENT, Wire.HTML_502)) {
            Chat chat = chat();
            Map<String, Object> row = around(chat, how, "maybe " + how);
            assertThat(chat.delivered()).as("%s", how).containsExactly("before", "maybe " + how, "after");
            assertThat(row).as("%s", how).containsEntry("send_status", "uncertain").containsEntry("send_attempts", 1);
            assertThat((String) row.get("send_error")).as("%s", how).startsWith("answer lost");
        }
    }

    @Test
    void a_proxy_503_did_not_reach_telegram_and_is_sent_again() {
        Chat chat = chat();
        Map<String, Object> row = around(chat, Wire.HTML_503, "again");
        // The fake delivered on the 503 too: what matters is that the rule retried it, and once.
        assertThat(chat.delivered()).containsExactly("before", "again", "again", "after");
        assertThat(row).containsEntry("send_status", "sent").containsEntry("send_attempts", 2);
    }

    @Test
    void a_refused_connection_never_reached_telegram_and_is_sent_once_it_is_up() throws Exception {
        String nowhere;
        try (ServerSocket closed = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nowhere = "http://127.0.0.1:" + closed.getLocalPort();
        }
        Chat chat = chat();
        long id = chat.send("when it is up");
        OutboxSender down = sender(nowhere);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(row(id).get("send_error")).startsWith("not sent"));
        } finally {
            down.stop();
        }
        assertThat(row(id)).containsEntry("send_status", "pending").containsEntry("send_started_at", null);
        OutboxSender up = sender(telegram.url());
        try {
            awaitStatus(id, "sent");
        } finally {
            up.stop();
        }
        assertThat(chat.delivered()).containsExactly("when it is up");
    }

    @Test
    void a_row_an_earlier_sender_began_and_never_finished_is_uncertain_and_not_sent() {
        Chat chat = chat();
        long id = chat.send("in flight when the sender died");
        Instant now = Instant.now();
        var claimed = outbox.claim(1, now, now).getFirst(); // a lease that has already run out
        assertThat(claimed.id()).isEqualTo(id);
        assertThat(outbox.beginSend(id, now)).isTrue();
        // ... and the process is killed here, before the answer is recorded.
        OutboxSender next = sender(telegram.url());
        try {
            awaitStatus(id, "uncertain");
            awaitStatus(chat.send("after the restart"), "sent");
        } finally {
            next.stop();
        }
        assertThat(row(id).get("send_error")).asString().contains("stopped while sending");
        assertThat(chat.delivered()).containsExactly("after the restart");
    }
}
