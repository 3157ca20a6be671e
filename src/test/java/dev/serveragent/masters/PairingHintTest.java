package dev.serveragent.masters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.CapturedLogs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Before any Master exists, a private message gets one fixed, model-free hint saying how to pair,
 * at most once per {@link PairingHint#EVERY} per chat; groups never get it, and once a Master
 * exists a stranger's message is stored and nothing else.
 */
class PairingHintTest {
    static final long ALICE = 7201;
    static final long GROUP = -100_777;

    @TempDir
    Path dataDir;

    private static String hints(long chat) {
        return "select count(*) from chat_messages m join chat_threads t on t.id = m.thread_id where m.role = 'assistant' and t.chat_id = "
                + chat + " and m.text = '" + PairingHint.TEXT.replace("'", "''") + "'";
    }

    private static void awaitHandled(AgentHarness h, long jobs) {
        h.awaitCount("select count(*) from reactive_jobs where status = 'done'", jobs);
    }

    @Test
    void a_private_message_before_any_master_gets_the_hint_once_then_again_only_after_ten_minutes() {
        try (CapturedLogs logs = CapturedLogs.start();
                AgentHarness h = new AgentHarness(dataDir, "echo", Map.of("MASTER_CHAT_IDS", ""))) {
            h.say(ALICE, "hello?");
            assertThat(h.awaitSent(1).param("text")).isEqualTo(PairingHint.TEXT);
            assertThat(h.awaitSent(1).param("chat_id")).isEqualTo(Long.toString(ALICE));
            assertThat(h.count(hints(ALICE))).as("stored as an assistant message").isEqualTo(1);
            // The hint points at the log: a current code is written there at once.
            assertThat(logs.linesAt("INFO")).anyMatch(l -> l.contains("Telegram user " + ALICE) && l.contains("/pair "));

            h.say(ALICE, "anyone there?");
            h.say(ALICE, "hello??");
            awaitHandled(h, 3);
            assertThat(h.count(hints(ALICE))).as("rate-limited per chat").isEqualTo(1);

            h.clock.advance(PairingHint.EVERY.plus(Duration.ofSeconds(1)));
            h.say(ALICE, "still nobody?");
            awaitHandled(h, 4);
            assertThat(h.count(hints(ALICE))).isEqualTo(2);
            assertThat(h.anthropic.requests()).as("no model call").isEmpty();
        }
    }

    @Test
    void a_group_never_gets_the_hint() {
        try (AgentHarness h = new AgentHarness(dataDir, "echo", Map.of("MASTER_CHAT_IDS", ""))) {
            h.sayIn(GROUP, ALICE, "hello group");
            awaitHandled(h, 1);
            assertThat(h.count("select count(*) from chat_messages where role = 'assistant'")).isZero();
        }
    }

    @Test
    void once_a_master_exists_a_strangers_private_message_is_stored_and_nothing_else() {
        try (AgentHarness h = new AgentHarness(dataDir, "echo", Map.of())) { // MASTER_CHAT_IDS=4242
            h.say(AgentHarness.STRANGER, "hello?");
            awaitHandled(h, 1);
            assertThat(h.count("select count(*) from chat_messages where role = 'user'")).isEqualTo(1);
            assertThat(h.count("select count(*) from chat_messages where role = 'assistant'")).isZero();
            assertThat(h.anthropic.requests()).isEmpty();
        }
    }
}
