package dev.serveragent.masters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.console.PairingQr;
import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.CapturedLogs;
import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pairing in one tap: at start the agent asks Telegram for the bot's @username (getMe), and the
 * log (at INFO) and the console offer a {@code t.me/<bot>?start=CODE} link, whose {@code /start
 * CODE} pairs; the code's expiry reads as a duration; the console shows the link as a QR code.
 */
class PairingLinkTest {
    static final String ADMIN = "pairing-link-admin-token-0123456789";
    /** The username the fake's getMe answers with. */
    static final String BOT = "server_agent_bot";
    static final Pattern LINK = Pattern.compile("https://t\\.me/" + BOT + "\\?start=([A-Z2-9]{4}-[A-Z2-9]{4})");
    static final long ALICE = 7101;

    @TempDir
    Path dataDir;

    private AgentHarness harness() {
        return new AgentHarness(dataDir, "echo", Map.of("MASTER_CHAT_IDS", "", "ADMIN_TOKEN", ADMIN));
    }

    /**
     * The first line at {@code level} that names {@code code} and contains {@code containing}. Apps of
     * other test classes log pairing lines too; the code, read from this app's console, tells ours.
     */
    private static String awaitLine(CapturedLogs logs, String level, String code, String containing) {
        return await().atMost(AgentHarness.WAIT).until(() -> logs.linesAt(level).stream()
                .filter(l -> l.contains("/pair " + code) && l.contains(containing)).findFirst(), Optional::isPresent).get();
    }

    /** The pairing code the app's console shows. */
    private static String shownCode(TestApp app) {
        try (ConsoleClient console = ConsoleClient.of(app)) {
            console.login(ADMIN);
            return await().atMost(AgentHarness.WAIT).until(() -> pairingNotice(console), n -> n.hasNonNull("code")).path("code").asText();
        }
    }

    @Test
    void the_start_up_log_names_the_bot_and_a_one_tap_link_at_info_and_its_start_command_pairs() {
        try (CapturedLogs logs = CapturedLogs.start(); AgentHarness h = harness()) {
            String code = shownCode(h.app);
            String line = awaitLine(logs, "INFO", code, "No Telegram Master yet");
            assertThat(line).contains("@" + BOT).contains("/pair ").contains("expires in 10 min").doesNotContainPattern("\\d{4}-\\d{2}-\\d{2}T");
            assertThat(h.telegram.calls("getMe")).hasSize(1);
            assertThat(logs.linesAt("WARN")).as("the instruction is not a warning").noneMatch(l -> l.contains(code));
            Matcher link = LINK.matcher(line);
            assertThat(link.find()).as("a t.me deep link in: " + line).isTrue();

            // Tapping the link opens the bot; Start sends "/start CODE" in the private chat.
            h.say(ALICE, "/start " + link.group(1));
            assertThat(h.awaitSent(1).param("text")).startsWith("Paired");
            assertThat(h.count("select count(*) from masters where user_id = " + ALICE + " and revoked_at is null")).isEqualTo(1);
        }
    }

    @Test
    void the_console_shows_the_bot_the_link_its_qr_code_and_the_time_left_as_a_duration() throws Exception {
        try (AgentHarness h = harness(); ConsoleClient console = ConsoleClient.of(h.app)) {
            console.login(ADMIN);
            var notice = await().atMost(AgentHarness.WAIT).until(() -> pairingNotice(console), n -> n.hasNonNull("link"));
            String code = notice.path("code").asText();
            assertThat(notice.path("link").asText()).isEqualTo("https://t.me/" + BOT + "?start=" + code);
            assertThat(notice.path("text").asText()).contains("@" + BOT).contains("/pair " + code).contains("expires in 10 min");

            h.clock.advance(Duration.ofMinutes(4));
            assertThat(pairingNotice(console).path("text").asText()).contains("expires in 6 min");

            var qr = console.get(PairingQr.PATH + "?code=" + code);
            assertThat(qr.statusCode()).isEqualTo(200);
            assertThat(qr.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
            assertThat(qr.body()).startsWith("<svg").contains("<title>https://t.me/" + BOT + "?start=" + code + "</title>")
                    .contains("<path fill=\"#000\" d=\"M").doesNotContain("style=").doesNotContain("<script");
            assertThat(h.app.get(PairingQr.PATH).statusCode()).as("without a session").isEqualTo(401);

            // Paired: no code, no QR code any more.
            h.say(ALICE, "/start " + code);
            assertThat(h.awaitSent(1).param("text")).startsWith("Paired");
            assertThat(console.history().path("notices").toString()).doesNotContain("/pair");
            assertThat(console.get(PairingQr.PATH).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void a_bare_start_does_not_pair_and_counts_no_failure() {
        try (AgentHarness h = harness()) {
            h.say(ALICE, "/start");
            h.awaitCount("select count(*) from reactive_jobs where status = 'done'", 1);
            assertThat(h.count("select count(*) from pairing_failures")).isZero();
            assertThat(h.count("select count(*) from masters")).isZero();
        }
    }

    @Test
    void getMe_is_retried_in_the_background_while_the_bot_api_is_down_and_readiness_does_not_wait_for_it(@TempDir Path dir) {
        try (CapturedLogs logs = CapturedLogs.start(); TestDatabase db = TestDatabase.create();
                FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN)) {
            telegram.down(true);
            Map<String, String> env = new HashMap<>(TelegramFixtures.env(telegram, "https://agent.example"));
            env.put("MASTER_CHAT_IDS", "");
            env.put("ADMIN_TOKEN", ADMIN);
            try (TestApp app = TestApp.start(db, dir, env, Clock.systemUTC())) {
                assertThat(app.get("/readyz").statusCode()).isEqualTo(200);
                String code = shownCode(app);
                String first = awaitLine(logs, "INFO", code, "No Telegram Master yet");
                assertThat(first).contains("/pair ").doesNotContain("t.me");
                await().atMost(AgentHarness.WAIT).until(() -> telegram.calls("getMe").size() >= 2);

                telegram.down(false);
                String line = awaitLine(logs, "INFO", code, "t.me/" + BOT);
                assertThat(line).contains("No Telegram Master yet").contains("@" + BOT);
            }
        }
    }

    @Test
    void the_time_left_reads_as_a_duration_rounded_up_to_the_minute() {
        assertThat(PairingInvite.expiresIn(Duration.ofMinutes(10))).isEqualTo("in 10 min");
        assertThat(PairingInvite.expiresIn(Duration.ofMinutes(13).plusSeconds(1))).isEqualTo("in 14 min");
        assertThat(PairingInvite.expiresIn(Duration.ofMinutes(65))).isEqualTo("in 1 h 5 min");
        assertThat(PairingInvite.expiresIn(Duration.ofSeconds(20))).isEqualTo("in less than a minute");
        assertThat(PairingInvite.expiresIn(Duration.ofSeconds(-1))).isEqualTo("now");
    }

    private static com.fasterxml.jackson.databind.JsonNode pairingNotice(ConsoleClient console) {
        for (var n : console.history().path("notices")) {
            if (n.path("kind").asText().equals("pairing")) {
                return n;
            }
        }
        throw new AssertionError("no pairing notice in " + console.history().path("notices"));
    }
}
