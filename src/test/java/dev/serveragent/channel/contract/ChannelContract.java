package dev.serveragent.channel.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serveragent.testing.AgentHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every channel does, run against each one ({@link TelegramContractTest}, {@link
 * ConsoleContractTest}, {@link LoopbackContractTest}) on the real application with all three
 * channels on at once: an incoming message is stored once and acknowledged with an OK button;
 * pressing OK runs the job; the answer is delivered through this channel's sender only (the other
 * channels' senders never claim its rows); and the channel names its Master (a user it does not
 * name is stored and nothing runs).
 */
abstract class ChannelContract {
    static final String ADMIN = "contract-admin-token-0123456789abcdef";

    @TempDir
    Path dataDir;

    /** The acknowledgement as the channel showed it: its text and its one button. */
    record Ack(String text, String buttonText, String data) {}

    /** Drives one channel of a running agent as its user would. */
    interface Driver extends AutoCloseable {
        String platform();

        /** A user the channel names Master. */
        long master();

        /** A user it does not, if the channel has any (the console's only user is the Master). */
        Optional<Long> stranger();

        /** {@code user} writes {@code text} to the agent through the channel. */
        void say(long user, String text);

        /** Waits for the acknowledgement with a button, as the channel shows it. */
        Ack awaitAck();

        /** {@code user} presses the acknowledgement's button; the answer the channel showed. */
        String press(long user, Ack ack);

        /** Waits for a message containing {@code text} delivered to the user through this channel. */
        void awaitDelivered(String text);

        @Override
        default void close() {}
    }

    /** The agent: Telegram (fake Bot API), the console (ADMIN_TOKEN) and the loopback channel, all on. */
    final LoopbackChannel loopback = new LoopbackChannel();

    AgentHarness start() {
        return new AgentHarness(dataDir, "echo", Map.of("ADMIN_TOKEN", ADMIN), List.of(loopback), LoopbackChannel::migrate);
    }

    abstract Driver driver(AgentHarness h);

    /** What each channel's sender delivered, by platform (the console has none: it reads the database). */
    private Map<String, List<String>> sendersDelivered(AgentHarness h) {
        return Map.of("telegram", h.sent().stream().map(c -> c.param("text")).toList(),
                LoopbackChannel.PLATFORM, loopback.delivered.stream().map(LoopbackChannel.Delivered::text).toList());
    }

    @Test
    void a_message_is_stored_once_acknowledged_with_ok_and_the_pressed_job_is_answered_through_this_channel_only() {
        try (AgentHarness h = start(); Driver d = driver(h)) {
            String platform = d.platform();
            h.classifyAs("command", true);
            d.say(d.master(), "restart the nginx service please");

            Ack ack = d.awaitAck();
            assertThat(ack.text()).startsWith("Understood: you want command handled");
            assertThat(ack.buttonText()).isEqualTo("OK");
            assertThat(ack.data()).startsWith("ok:");
            assertThat(ack.data().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64);
            assertThat(count(h, platform, "m.role = 'user' and m.text = 'restart the nginx service please'")).as("stored once").isEqualTo(1);
            assertThat(h.one("select status from approvals")).isEqualTo("pending");
            assertThat(h.claude.runs()).as("nothing runs before OK").isEmpty();

            assertThat(d.press(d.master(), ack)).contains("working on it");
            d.awaitDelivered("restart the nginx service please\n"); // the echoed prompt: the answer, not the ack
            h.awaitCount("select count(*) from reactive_jobs where status = 'done' and mode = 'execute'", 1);
            assertThat(h.one("select status from approvals")).isEqualTo("approved");

            // Every reply of this channel's thread is delivered, and by this channel alone.
            await().atMost(AgentHarness.WAIT).until(() -> count(h, platform, "m.role = 'assistant' and m.send_status is distinct from 'sent'") == 0);
            assertThat(count(h, platform, "m.role = 'assistant'")).isEqualTo(2);
            assertThat(h.count("select count(*) from chat_messages m join chat_threads t on t.id = m.thread_id where t.platform <> '"
                    + platform + "'")).as("nothing in another channel's threads").isZero();
            sendersDelivered(h).forEach((other, texts) -> {
                if (!other.equals(platform)) {
                    assertThat(texts).as(other + "'s sender claims none of " + platform + "'s rows").isEmpty();
                }
            });
        }
    }

    @Test
    void the_channel_names_its_master() {
        try (AgentHarness h = start(); Driver d = driver(h)) {
            String platform = d.platform();
            d.stranger().ifPresent(stranger -> {
                d.say(stranger, "delete everything");
                h.awaitCount("select count(*) from reactive_jobs where payload_json->>'skipped' like '%not a Master%'", 1);
                assertThat(count(h, platform, "m.role = 'user' and m.text = 'delete everything'")).as("stored").isEqualTo(1);
                assertThat(count(h, platform, "m.role = 'assistant'")).as("no answer, no hint: a Master exists").isZero();
            });
            h.classifyAs("question", false);
            d.say(d.master(), "how full is the disk?");
            d.awaitDelivered("how full is the disk?");
            assertThat(h.count("select count(*) from reactive_jobs where payload_json->>'skipped' is not null"))
                    .isEqualTo(d.stranger().isPresent() ? 1 : 0);
        }
    }

    static long count(AgentHarness h, String platform, String where) {
        return h.db.jdbi().withHandle(handle -> handle.createQuery(
                        "select count(*) from chat_messages m join chat_threads t on t.id = m.thread_id where t.platform = :p and " + where)
                .bind("p", platform).mapTo(Long.class).one());
    }

    /** The first button of a stored or sent {@code reply_markup}. */
    static Ack ack(String text, JsonNode markup) {
        JsonNode button = markup.path("inline_keyboard").get(0).get(0);
        return new Ack(text, button.path("text").asText(), button.path("callback_data").asText());
    }
}
