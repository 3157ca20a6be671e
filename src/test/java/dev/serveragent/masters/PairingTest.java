package dev.serveragent.masters;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.CapturedLogs;
import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.FakeTelegram;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With Telegram on and no Master known, the Telegram user who sends /pair CODE becomes one. */
class PairingTest {
    static final String ADMIN = "pairing-admin-token-0123456789abcdef";
    static final long ALICE = 7001;
    static final long BOB = 7002;
    static final long EVE = 7666;

    @TempDir
    Path dataDir;

    private AgentHarness harness() {
        return new AgentHarness(dataDir, "echo", Map.of("MASTER_CHAT_IDS", "", "ADMIN_TOKEN", ADMIN));
    }

    private static String code(ConsoleClient console) {
        for (var n : console.history().path("notices")) {
            if (n.path("kind").asText().equals("pairing")) {
                return n.path("code").asText();
            }
        }
        throw new AssertionError("no pairing notice in " + console.history().path("notices"));
    }

    private static String lastTo(AgentHarness h, long chat, int n) {
        org.awaitility.Awaitility.await().atMost(AgentHarness.WAIT)
                .until(() -> h.sent().stream().filter(c -> c.param("chat_id").equals(Long.toString(chat))).count() >= n);
        List<FakeTelegram.Call> to = h.sent().stream().filter(c -> c.param("chat_id").equals(Long.toString(chat))).toList();
        return to.get(n - 1).param("text");
    }

    @Test
    void a_good_code_pairs_once_a_wrong_one_is_counted_and_a_reused_one_is_refused() {
        try (AgentHarness h = harness(); ConsoleClient console = ConsoleClient.of(h.app)) {
            console.login(ADMIN);
            String code = code(console);
            assertThat(code).matches("[A-Z2-9]{4}-[A-Z2-9]{4}");

            h.say(ALICE, "hello before pairing");
            // Before any Master exists, a private chat is told how to pair (issue 21), once in a while.
            assertThat(lastTo(h, ALICE, 1)).isEqualTo(PairingHint.TEXT);
            h.say(ALICE, "/pair AAAA-BBBB");
            assertThat(lastTo(h, ALICE, 2)).isEqualTo("Wrong code.");
            assertThat(h.anthropic.requests()).as("a stranger's message reaches no model").isEmpty();

            h.say(ALICE, "/pair " + code.toLowerCase());
            assertThat(lastTo(h, ALICE, 3)).startsWith("Paired");
            assertThat(h.count("select count(*) from masters where user_id = " + ALICE + " and revoked_at is null")).isEqualTo(1);
            assertThat(h.count("select count(*) from pairing_failures where user_id = " + ALICE)).isEqualTo(1);
            // Only the code's hash is kept.
            assertThat(h.count("select count(*) from pairing_codes where code_sha256 like '%" + code.replace("-", "") + "%'")).isZero();

            h.say(BOB, "/pair " + code);
            assertThat(lastTo(h, BOB, 1)).contains("already used");
            assertThat(h.count("select count(*) from masters where user_id = " + BOB)).isZero();

            // Alice is a Master now: her messages reach the classifier; the console shows no code any more.
            h.classifyAs("question", false);
            h.say(ALICE, "what is the uptime?");
            assertThat(lastTo(h, ALICE, 4)).startsWith("Understood:");
            // The question's answer first: /masters, answered without a model, may overtake a running answer.
            assertThat(lastTo(h, ALICE, 5)).startsWith("ECHO");
            assertThat(console.history().path("notices").toString()).doesNotContain("/pair");

            h.say(ALICE, "/masters");
            assertThat(lastTo(h, ALICE, 6)).contains(Long.toString(ALICE)).contains("paired");
            h.say(ALICE, "/masters revoke " + ALICE);
            assertThat(lastTo(h, ALICE, 7)).contains("no longer a Master");
            h.say(ALICE, "still there?");
            h.awaitCount("select count(*) from reactive_jobs where payload_json->>'skipped' like '%not a Master%'", 2);
        }
    }

    @Test
    void an_expired_code_does_not_pair_and_five_wrong_codes_lock_the_sender_out() {
        try (AgentHarness h = harness(); ConsoleClient console = ConsoleClient.of(h.app)) {
            console.login(ADMIN);
            String code = code(console);
            h.clock.advance(Pairing.TTL.plus(Duration.ofSeconds(1)));
            h.say(BOB, "/pair " + code);
            assertThat(lastTo(h, BOB, 1)).contains("expired");
            assertThat(code(console)).as("the console shows a new code").isNotEqualTo(code);

            for (int i = 1; i <= Pairing.MAX_FAILURES; i++) {
                h.say(EVE, "/pair WRONG-" + i);
                assertThat(lastTo(h, EVE, i)).isEqualTo("Wrong code.");
            }
            h.say(EVE, "/pair " + code(console));
            assertThat(lastTo(h, EVE, Pairing.MAX_FAILURES + 1)).startsWith("Too many wrong codes");
            assertThat(h.count("select count(*) from masters")).isZero();
        }
    }

    @Test
    void the_start_up_log_names_a_pairing_code_that_works() {
        try (CapturedLogs logs = CapturedLogs.start(); AgentHarness h = harness(); ConsoleClient console = ConsoleClient.of(h.app)) {
            // Apps of other test classes log pairing codes too: this app's line is the one that
            // names the code its console shows.
            console.login(ADMIN);
            String shown = code(console);
            String line = org.awaitility.Awaitility.await().atMost(AgentHarness.WAIT)
                    .until(() -> logs.lines().stream().filter(l -> l.contains("/pair " + shown)).findFirst(), java.util.Optional::isPresent).get();
            String code = line.replaceAll(".*/pair ([A-Z2-9]{4}-[A-Z2-9]{4}).*", "$1");
            h.say(ALICE, "/pair " + code);
            assertThat(lastTo(h, ALICE, 1)).startsWith("Paired");
        }
    }
}
