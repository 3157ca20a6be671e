package dev.serveragent.console;

import static dev.serveragent.testing.AgentHarness.MASTER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.FakeTelegram;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The browser console on the real application: the same pipeline as Telegram, in its own channel. */
class ConsoleTest {
    static final String ADMIN = "console-admin-token-0123456789abcdef";

    @TempDir
    Path dataDir;

    private AgentHarness harness(String scenario, Map<String, String> env) {
        return new AgentHarness(dataDir, scenario, env);
    }

    @Test
    void a_console_conversation_and_a_telegram_one_stay_in_their_own_channels() {
        try (AgentHarness h = harness("echo", Map.of("ADMIN_TOKEN", ADMIN));
             ConsoleClient console = ConsoleClient.of(h.app)) {
            assertThat(console.login(ADMIN).statusCode()).isEqualTo(303);
            assertThat(console.open().statusCode()).isEqualTo(200);

            h.classifyAs("question", false);
            console.say("what listens on port 8080?");
            JsonNode ack = console.awaitMessage(m -> m.path("text").asText().startsWith("Understood:"));
            assertThat(ack.path("role").asText()).isEqualTo("assistant");
            assertThat(ack.path("buttons")).isEmpty();
            console.awaitMessage(m -> m.path("text").asText().contains("what listens on port 8080?") && m.path("role").asText().equals("assistant"));

            h.classifyAs("question", false);
            h.say(MASTER, "and on Telegram?");
            FakeTelegram.Call tgAck = h.awaitSent(1);
            assertThat(tgAck.param("text")).startsWith("Understood:");
            h.awaitSent(2);
            h.awaitCount("select count(*) from reactive_jobs where status = 'done' and mode = 'answer'", 2);

            // Nothing of the console went to Telegram, nothing of Telegram shows in the console.
            assertThat(h.sent()).allSatisfy(c -> assertThat(c.param("text")).doesNotContain("8080"));
            assertThat(console.history().path("messages")).noneSatisfy(m -> assertThat(m.path("text").asText()).contains("Telegram?"));
            assertThat(h.count("select count(*) from chat_threads where platform = 'console'")).isEqualTo(1);
            assertThat(h.count("""
                    select count(*) from chat_messages m join chat_threads t on t.id = m.thread_id
                    where t.platform = 'console' and m.send_status is not null and m.send_status <> 'sent'""")).isZero();
            // The prompts say which channel the Master reads.
            assertThat(h.anthropic.requests()).anySatisfy(r -> assertThat(r.body().toString()).contains("writes through the browser console"));
            assertThat(h.anthropic.requests()).anySatisfy(r -> assertThat(r.body().toString()).contains("writes through Telegram"));
            assertThat(h.claude.runs()).anySatisfy(r -> assertThat(r.stdin()).contains("The Master reads your answer in: the browser console"));
            // Each channel's acknowledgement is measured, once: the console's when it is stored (its delivery).
            org.awaitility.Awaitility.await().atMost(AgentHarness.WAIT).until(() -> {
                String m = console.get("/metrics", Map.of("Authorization", "Bearer " + ADMIN)).body();
                return m.contains("reactive_ack_latency_seconds_count{channel=\"console\"} 1")
                        && m.contains("reactive_ack_latency_seconds_count{channel=\"telegram\"} 1");
            });
        }
    }

    @Test
    void ok_in_the_console_approves_exactly_as_in_telegram_and_the_button_goes_away() {
        try (AgentHarness h = harness("echo", Map.of("ADMIN_TOKEN", ADMIN));
             ConsoleClient console = ConsoleClient.of(h.app)) {
            console.login(ADMIN);
            console.open();
            console.listen(0);
            h.classifyAs("command", true);
            console.say("restart nginx");
            JsonNode ack = console.awaitEvent(e -> e.path("buttons").size() == 1);
            assertThat(ack.path("text").asText()).startsWith("Understood:").contains("Will:");
            assertThat(ack.path("buttons").get(0).path("text").asText()).isEqualTo("OK");
            assertThat(h.claude.runs()).as("nothing runs before OK").isEmpty();

            assertThat(console.press(ack.path("buttons").get(0).path("data").asText())).contains("working on it");
            console.awaitEvent(e -> e.path("id").asLong() == ack.path("id").asLong() && e.path("buttons").isEmpty());
            console.awaitEvent(e -> e.path("role").asText().equals("assistant") && e.path("text").asText().contains("restart nginx")
                    && !e.path("text").asText().startsWith("Understood"));
            assertThat(h.one("select status from approvals")).isEqualTo("approved");
            assertThat(h.count("select count(*) from reactive_jobs where status = 'done' and mode = 'execute'")).isEqualTo(1);

            // A second press of the same button changes nothing.
            assertThat(console.press(ack.path("buttons").get(0).path("data").asText())).contains("Already approved");
            assertThat(h.claude.runs()).hasSize(1);
        }
    }

    @Test
    void history_survives_a_restart_and_a_retry_with_the_same_nonce_is_stored_once() {
        try (AgentHarness h = harness("echo", Map.of("ADMIN_TOKEN", ADMIN));
             ConsoleClient console = ConsoleClient.of(h.app)) {
            console.login(ADMIN);
            console.open();
            h.classifyAs("question", false);
            String body = "{\"text\":\"remember me\",\"nonce\":\"n-1\"}";
            assertThat(console.post("/console/api/messages", body).statusCode()).isEqualTo(200);
            assertThat(console.post("/console/api/messages", body).body()).contains("\"duplicate\":true");
            assertThat(h.count("select count(*) from chat_messages where text = 'remember me'")).isEqualTo(1);
            assertThat(h.count("select count(*) from reactive_jobs")).isEqualTo(1);
        }
    }

    @Test
    void bad_input_gets_a_clear_4xx_and_stores_nothing() {
        try (AgentHarness h = harness("echo", Map.of("ADMIN_TOKEN", ADMIN));
             ConsoleClient console = ConsoleClient.of(h.app)) {
            console.login(ADMIN);
            console.open();
            assertThat(console.post("/console/api/messages", "{not json").statusCode()).isEqualTo(400);
            assertThat(console.post("/console/api/messages", "[1,2]").statusCode()).isEqualTo(400);
            assertThat(console.post("/console/api/messages", "{\"text\":42}").statusCode()).isEqualTo(400);
            assertThat(console.post("/console/api/messages", "{\"text\":\"   \"}").statusCode()).isEqualTo(400);
            assertThat(console.post("/console/api/messages", "{\"text\":\"x\",\"nonce\":\"bad nonce!\"}").statusCode()).isEqualTo(400);
            assertThat(console.post("/console/api/messages", "{\"text\":\"" + "x".repeat(ConsoleRoutes.MAX_TEXT_CHARS + 1) + "\"}").statusCode())
                    .isEqualTo(413);
            assertThat(console.post("/console/api/press", "{\"data\":\"ok:999999\"}").body()).contains("does not name a request");
            assertThat(console.post("/console/api/press", "{}").statusCode()).isEqualTo(400);
            assertThat(h.count("select count(*) from chat_messages")).isZero();
            assertThat(h.app.get("/healthz").statusCode()).isEqualTo(200);
        }
    }
}
