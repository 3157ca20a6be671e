package dev.serveragent.reactive;

import dev.serveragent.testing.AgentHarness;

import static dev.serveragent.testing.AgentHarness.MASTER;
import static dev.serveragent.testing.AgentHarness.STRANGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.FakeTelegram;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reactive loop end to end: webhook → classify → acknowledge → OK → Claude Code → answer. */
class ReactiveFlowTest {
    @TempDir
    Path dataDir;

    private AgentHarness harness(String scenario) {
        return new AgentHarness(dataDir, scenario, Map.of());
    }

    @Test
    void a_command_is_acknowledged_with_an_ok_button_and_runs_once_the_master_presses_it() throws Exception {
        try (AgentHarness h = harness("echo")) {
            h.classifyAs("command", true);
            h.say(MASTER, "restart the nginx service please");

            FakeTelegram.Call ack = h.awaitSent(1);
            assertThat(ack.param("chat_id")).isEqualTo(Long.toString(MASTER));
            assertThat(ack.param("text")).startsWith("Understood: you want command handled").contains(" Will: handle the command");
            assertThat(ack.param("text").length()).isLessThanOrEqualTo(1000);
            assertThat(ack.param("parse_mode")).isNull();
            assertThat(AgentHarness.buttonText(ack)).isEqualTo("OK");
            String data = AgentHarness.button(ack);
            assertThat(data.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64);
            assertThat(h.one("select status from approvals")).isEqualTo("pending");
            assertThat(h.one("select status from reactive_jobs")).isEqualTo("awaiting_approval");
            assertThat(h.claude.runs()).as("nothing runs before OK").isEmpty();

            long ackTelegramId = h.telegramIdOf(ack.param("text"));
            h.press(MASTER, MASTER, ackTelegramId, data);

            FakeTelegram.Call answered = h.awaitCall("answerCallbackQuery", 1);
            assertThat(answered.param("text")).contains("working on it");
            h.awaitCall("editMessageReplyMarkup", 1);
            FakeTelegram.Call reply = h.awaitSent(2);
            assertThat(reply.param("text")).contains("restart the nginx service please");
            h.awaitJobsSettled();
            assertThat(h.count("select count(*) from reactive_jobs where status = 'done' and mode = 'execute'")).isEqualTo(1);

            assertThat(h.one("select status from approvals")).isEqualTo("approved");
            assertThat(h.claude.lastRun().values("--permission-mode")).containsExactly("dontAsk");
            assertThat(h.count("select count(*) from chat_messages where role = 'assistant'")).isEqualTo(2);
            assertThat(h.count("select count(*) from token_ledger where scope = 'reactive' and provider = 'anthropic_api' and job_id is not null"))
                    .isEqualTo(1);
            assertThat(h.count("select tokens_input from token_ledger where provider = 'anthropic_api'")).isEqualTo(120);
            assertThat(h.count("select count(*) from token_ledger where scope = 'reactive' and provider = 'claude_code' and tokens_total > 0"))
                    .isEqualTo(1);
            assertThat(h.count("select count(*) from token_ledger where scope = 'proactive'")).isZero();
        }
    }

    @Test
    void a_question_that_needs_no_confirmation_is_acknowledged_without_a_button_and_answered_at_once() {
        try (AgentHarness h = harness("echo")) {
            h.classifyAs("question", false);
            h.say(MASTER, "what is the uptime of this box?");

            FakeTelegram.Call ack = h.awaitSent(1);
            assertThat(ack.param("text")).startsWith("Understood:");
            assertThat(ack.param("reply_markup")).isNull();
            FakeTelegram.Call reply = h.awaitSent(2);
            assertThat(reply.param("text")).contains("what is the uptime of this box?");
            assertThat(h.claude.lastRun().values("--allowedTools").toString()).doesNotContain("Bash");
            assertThat(h.count("select count(*) from approvals")).isZero();
        }
    }

    @Test
    void with_approval_policy_always_even_a_question_waits_for_ok() {
        try (AgentHarness h = new AgentHarness(dataDir, "echo", Map.of("APPROVAL_POLICY", "always"))) {
            h.classifyAs("question", false);
            h.say(MASTER, "what time is it?");
            assertThat(AgentHarness.button(h.awaitSent(1))).startsWith("ok:");
            assertThat(h.one("select status from reactive_jobs")).isEqualTo("awaiting_approval");
        }
    }

    @Test
    void a_new_message_supersedes_the_pending_approval_and_its_stale_ok_does_nothing() throws Exception {
        try (AgentHarness h = harness("echo")) {
            h.classifyAs("command", true);
            h.say(MASTER, "delete the old backups");
            FakeTelegram.Call firstAck = h.awaitSent(1);
            String staleData = AgentHarness.button(firstAck);
            long staleId = h.telegramIdOf(firstAck.param("text"));

            h.classifyAs("command", true);
            h.say(MASTER, "actually, keep the last three");
            h.awaitSent(2);
            assertThat(h.count("select count(*) from approvals where status = 'superseded'")).isEqualTo(1);

            h.press(MASTER, MASTER, staleId, staleData);
            FakeTelegram.Call answer = h.awaitCall("answerCallbackQuery", 1);
            assertThat(answer.param("text")).contains("replaced by a newer message");
            assertThat(h.claude.runs()).isEmpty();
            assertThat(h.count("select count(*) from reactive_jobs where status = 'queued' or mode = 'execute' and status = 'done'")).isZero();
        }
    }

    @Test
    void a_burst_of_five_is_acknowledged_once_for_the_newest_message() {
        try (AgentHarness h = harness("echo")) {
            h.app.app().reactive().worker().stop(); // the five arrive before the first is classified
            for (int i = 1; i <= 5; i++) {
                h.say(MASTER, "part " + i + " of my request");
            }
            h.classifyAs("command", true);
            h.app.app().reactive().worker().start();

            h.awaitJobsSettled();
            assertThat(h.count("select count(*) from reactive_jobs where status = 'canceled'")).isEqualTo(4);
            assertThat(h.count("select count(*) from reactive_jobs where status = 'awaiting_approval'")).isEqualTo(1);
            assertThat(h.awaitSent(1).param("text")).startsWith("Understood:");
            assertThat(h.anthropic.requests()).hasSize(1);
            assertThat(h.anthropic.requests().getFirst().body().toString()).contains("part 5 of my request");
            assertThat(h.one("select m.text from reactive_jobs j join chat_messages m on m.id = j.trigger_message_id"
                    + " where j.status = 'awaiting_approval'")).isEqualTo("part 5 of my request");
            assertThat(h.sent()).hasSize(1);
        }
    }

    @Test
    void an_unanswered_approval_expires_the_job_fails_and_the_master_is_told() {
        try (AgentHarness h = harness("echo")) {
            h.classifyAs("command", true);
            h.say(MASTER, "rotate the logs");
            FakeTelegram.Call ack = h.awaitSent(1);
            await().atMost(AgentHarness.WAIT).until(() -> h.count("select count(*) from chat_messages where platform_message_id is not null and role = 'assistant'") == 1);

            assertThat(h.app.app().reactive().expireDue()).isZero();
            h.clock.advance(Duration.ofSeconds(3601));
            assertThat(h.app.app().reactive().expireDue()).isEqualTo(1);

            assertThat(h.one("select status from approvals")).isEqualTo("expired");
            assertThat(h.one("select status from reactive_jobs")).isEqualTo("failed");
            assertThat(h.awaitSent(2).param("text")).startsWith("No OK within the time limit");
            h.awaitCall("editMessageReplyMarkup", 1);

            h.press(MASTER, MASTER, h.telegramIdOf(ack.param("text")), AgentHarness.button(ack));
            assertThat(h.awaitCall("answerCallbackQuery", 1).param("text")).contains("expired");
            assertThat(h.claude.runs()).isEmpty();
        }
    }

    @Test
    void in_a_listed_group_only_the_masters_own_messages_and_presses_act() throws Exception {
        long group = -1001234;
        try (AgentHarness h = new AgentHarness(dataDir, "echo", Map.of("MASTER_CHAT_IDS", MASTER + "," + group))) {
            h.sayIn(group, STRANGER, "rm -rf / please");
            h.awaitJobsSettled();
            assertThat(h.count("select count(*) from reactive_jobs where payload_json->>'skipped' like '%not a Master%'")).isEqualTo(1);
            assertThat(h.anthropic.requests()).as("a member who is not a Master reaches no model").isEmpty();

            h.classifyAs("command", true);
            h.sayIn(group, MASTER, "restart nginx");
            FakeTelegram.Call ack = h.awaitSent(1);
            String data = AgentHarness.button(ack);
            long ackId = h.telegramIdOf(ack.param("text"));

            h.press(group, STRANGER, ackId, data);
            assertThat(h.awaitCall("answerCallbackQuery", 1).param("text")).contains("Only the Master");
            assertThat(h.one("select status from approvals")).isEqualTo("pending");

            h.press(group, MASTER, ackId, data);
            assertThat(h.awaitCall("answerCallbackQuery", 2).param("text")).contains("working on it");
            h.awaitJobsSettled();
            assertThat(h.count("select count(*) from reactive_jobs where status = 'done' and mode = 'execute'")).isEqualTo(1);
            assertThat(h.claude.runs()).hasSize(1);
        }
    }

    @Test
    void a_press_that_lacks_its_message_still_approves_and_removes_the_button_of_the_stored_acknowledgement() throws Exception {
        try (AgentHarness h = harness("echo")) {
            h.classifyAs("command", true);
            h.say(MASTER, "rotate the logs");
            FakeTelegram.Call ack = h.awaitSent(1);
            long ackId = h.telegramIdOf(ack.param("text"));
            h.pressWithoutMessage(MASTER, AgentHarness.button(ack));
            assertThat(h.awaitCall("answerCallbackQuery", 1).param("text")).contains("working on it");
            FakeTelegram.Call removed = h.awaitCall("editMessageReplyMarkup", 1);
            assertThat(removed.param("message_id")).isEqualTo(Long.toString(ackId));
            assertThat(removed.param("chat_id")).isEqualTo(Long.toString(MASTER));
            h.awaitJobsSettled();
            assertThat(h.count("select count(*) from reactive_jobs where status = 'done' and mode = 'execute'")).isEqualTo(1);
            assertThat(h.count("select count(*) from chat_messages where reply_markup is not null")).isZero();
        }
    }

    @Test
    void a_strangers_message_is_stored_but_no_model_is_called_and_nothing_runs() {
        try (AgentHarness h = harness("echo")) {
            h.say(STRANGER, "hi, run rm -rf / for me");
            h.awaitJobsSettled();
            assertThat(h.count("select count(*) from reactive_jobs where status = 'done'")).isEqualTo(1);
            assertThat(h.one("select payload_json->>'skipped' from reactive_jobs")).contains("not a Master");
            assertThat(h.count("select count(*) from chat_messages where text = 'hi, run rm -rf / for me'")).isEqualTo(1);
            assertThat(h.anthropic.requests()).isEmpty();
            assertThat(h.claude.runs()).isEmpty();
            assertThat(h.sent()).isEmpty();
        }
    }

    @Test
    void a_forged_callback_from_a_stranger_changes_nothing() {
        try (AgentHarness h = harness("echo")) {
            h.classifyAs("command", true);
            h.say(MASTER, "shut down the database");
            String data = AgentHarness.button(h.awaitSent(1));

            h.press(STRANGER, STRANGER, 1, data);
            assertThat(h.awaitCall("answerCallbackQuery", 1).param("text")).contains("Only the Master");
            h.press(MASTER, MASTER, 1, "ok:999999");
            assertThat(h.awaitCall("answerCallbackQuery", 2).param("text")).contains("does not name a request");
            assertThat(h.one("select status from approvals")).isEqualTo("pending");
            assertThat(h.claude.runs()).isEmpty();
        }
    }

    @Test
    void exactly_the_last_30_messages_reach_the_classifier_and_claude_code() throws Exception {
        try (AgentHarness h = harness("echo")) {
            h.app.app().reactive().worker().stop();
            for (int i = 1; i <= 35; i++) {
                h.say(MASTER, String.format("note-%02d-end", i));
            }
            h.classifyAs("command", true);
            h.app.app().reactive().worker().start();
            FakeTelegram.Call ack = h.awaitSent(1);

            String classifierInput = h.anthropic.requests().getFirst().body().toString();
            for (int i = 1; i <= 35; i++) {
                String marker = String.format("note-%02d-end", i);
                if (i <= 5) {
                    assertThat(classifierInput).as(marker).doesNotContain(marker);
                } else {
                    assertThat(classifierInput).as(marker).contains(marker);
                }
            }
            h.press(MASTER, MASTER, h.telegramIdOf(ack.param("text")), AgentHarness.button(ack));
            h.awaitJobsSettled();
            assertThat(h.count("select count(*) from reactive_jobs where mode = 'execute' and status = 'done'")).isEqualTo(1);
            String claudeInput = h.claude.lastRun().stdin();
            for (int i = 1; i <= 35; i++) {
                String marker = String.format("note-%02d-end", i);
                if (i <= 5) {
                    assertThat(claudeInput).as(marker).doesNotContain(marker);
                } else {
                    assertThat(claudeInput).as(marker).contains(marker);
                }
            }
        }
    }

    @Test
    void an_overloaded_classifier_still_gets_an_acknowledgement_that_asks_for_ok() {
        try (AgentHarness h = harness("echo")) {
            for (int i = 0; i < 3; i++) { // the first call and the SDK's two retries
                h.anthropic.respond(529, FakeAnthropic.error("overloaded_error", "Overloaded"));
            }
            h.say(MASTER, "check the certificates");
            FakeTelegram.Call ack = h.awaitSent(1);
            assertThat(ack.param("text")).startsWith("Understood: your message (the classifier was unavailable)");
            assertThat(AgentHarness.button(ack)).startsWith("ok:");
            assertThat(h.one("select payload_json->'classification'->>'fallback_reason' from reactive_jobs")).contains("Haiku call failed");
        }
    }

    @Test
    void a_classifier_that_never_answers_times_out_into_an_acknowledgement_that_asks_for_ok() throws Exception {
        // Anthropic accepting connections and never answering: each attempt runs into HAIKU_TIMEOUT_SECONDS.
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept());
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            try (AgentHarness h = new AgentHarness(dataDir, "echo", Map.of(
                    "ANTHROPIC_BASE_URL", "http://127.0.0.1:" + silent.getLocalPort(), "HAIKU_TIMEOUT_SECONDS", "1"))) {
                long started = System.nanoTime();
                h.say(MASTER, "delete the old backups");
                FakeTelegram.Call ack = h.awaitSent(1);
                Duration waited = Duration.ofNanos(System.nanoTime() - started);

                assertThat(ack.param("text")).startsWith("Understood: your message (the classifier was unavailable)");
                assertThat(AgentHarness.button(ack)).startsWith("ok:");
                assertThat(h.one("select payload_json->'classification'->>'fallback_reason' from reactive_jobs")).contains("Haiku call failed");
                assertThat(h.one("select status from reactive_jobs")).isEqualTo("awaiting_approval");
                assertThat(held).as("the first attempt and the SDK's two retries").hasSize(3);
                assertThat(waited).as("three 1 s attempts and the SDK's backoff, not the default 20 s").isLessThan(Duration.ofSeconds(15));
                assertThat(h.claude.runs()).as("nothing runs without OK").isEmpty();

                h.press(MASTER, MASTER, h.telegramIdOf(ack.param("text")), AgentHarness.button(ack));
                assertThat(h.awaitSent(2).param("text")).contains("delete the old backups");
                h.awaitJobsSettled();
                assertThat(h.count("select count(*) from reactive_jobs where status = 'done'")).isEqualTo(1);
                assertThat(h.count("select count(*) from chat_messages where role = 'assistant'")).as("one ack, one answer").isEqualTo(2);
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void a_failing_run_reaches_the_master_as_a_clear_message_and_the_job_fails() {
        try (AgentHarness h = harness("is-error")) {
            h.classifyAs("question", false);
            h.say(MASTER, "summarise the logs");
            h.awaitSent(1);
            assertThat(h.awaitSent(2).param("text")).startsWith("Sorry, I could not finish:");
            h.awaitJobsSettled();
            assertThat(h.count("select count(*) from reactive_jobs where status = 'failed' and last_error like 'ERROR_RESULT%'")).isEqualTo(1);
        }
    }

    @Test
    void slow_runs_get_one_status_message_and_cancel_kills_the_run() {
        try (AgentHarness h = new AgentHarness(dataDir, "hang", Map.of("REACTIVE_PROGRESS_AFTER_SECONDS", "1"))) {
            h.classifyAs("question", false);
            h.say(MASTER, "think about it for a long time");
            h.awaitSent(1); // ack
            assertThat(h.awaitSent(2).param("text")).startsWith("Working on it");
            await().atMost(AgentHarness.WAIT).until(() -> !h.claude.runs().isEmpty());

            h.say(MASTER, "/cancel");
            assertThat(h.awaitSent(3).param("text")).isEqualTo("Canceled 1 job(s).");
            h.awaitJobsSettled();
            assertThat(h.count("select count(*) from reactive_jobs where status = 'canceled'")).isEqualTo(1);
            long pid = h.claude.lastRun().pid();
            await().atMost(AgentHarness.WAIT).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            assertThat(h.count("select count(*) from token_ledger where provider = 'claude_code'")).isEqualTo(1);
        }
    }

    @Test
    void a_message_during_a_long_run_is_acknowledged_at_once_and_its_answer_waits_for_the_run() {
        try (AgentHarness h = harness("hang")) {
            h.classifyAs("question", false);
            h.say(MASTER, "think about it for a long time");
            await().atMost(AgentHarness.WAIT).until(() -> !h.claude.runs().isEmpty());

            h.classifyAs("question", false);
            h.say(MASTER, "and how full is the disk meanwhile?");
            await().atMost(AgentHarness.WAIT).until(() -> h.sent().stream().filter(c -> c.param("text").startsWith("Understood:")).count() == 2);
            assertThat(h.claude.runs()).as("its answer waits until the run of the thread ends").hasSize(1);
            assertThat(h.count("select count(*) from reactive_jobs where status = 'queued' and mode = 'answer'")).isEqualTo(1);

            h.say(MASTER, "/cancel");
            long pid = h.claude.lastRun().pid();
            await().atMost(AgentHarness.WAIT).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        }
    }

    @Test
    void master_commands_are_answered_without_a_model() {
        try (AgentHarness h = harness("echo")) {
            h.say(MASTER, "/help");
            assertThat(h.awaitSent(1).param("text")).contains("/status").contains("/cancel");
            h.say(MASTER, "/status");
            assertThat(h.awaitSent(2).param("text")).startsWith("Queue:").contains("Tokens today (UTC)");
            h.say(MASTER, "/budget");
            assertThat(h.awaitSent(3).param("text")).contains("Proactive loop");
            assertThat(h.anthropic.requests()).isEmpty();
        }
    }

    @Test
    void status_on_an_idle_agent_does_not_count_its_own_job_as_running() {
        try (AgentHarness h = harness("echo")) {
            h.say(MASTER, "/status");
            String text = h.awaitSent(1).param("text");
            assertThat(text).startsWith("Queue: empty").doesNotContain("running");
        }
    }

    @Test
    void without_an_api_key_the_classifier_runs_through_claude_code_with_the_haiku_model() {
        try (AgentHarness h = new AgentHarness(dataDir, "classify-command", Map.of("ANTHROPIC_API_KEY", ""))) {
            h.say(MASTER, "clean up the disk");
            FakeTelegram.Call ack = h.awaitSent(1);
            assertThat(ack.param("text")).isEqualTo("Understood: you want the disk cleaned Will: remove old build caches");
            assertThat(AgentHarness.button(ack)).startsWith("ok:");
            assertThat(h.anthropic.requests()).isEmpty();
            assertThat(h.claude.lastRun().values("--model")).containsExactly("claude-haiku-4-5");
            assertThat(h.claude.lastRun().stdin()).contains("clean up the disk");
            assertThat(h.count("select count(*) from token_ledger where scope = 'reactive' and provider = 'claude_code' and tokens_total = 740"))
                    .isEqualTo(1);
        }
    }
}
