package dev.serveragent.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.claude.FakeClaude;
import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.AppProcess;
import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.Locks;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Two replicas as two real processes on one database, one fake Telegram, Anthropic and Claude
 * Code: under concurrent webhook traffic posted to both, every update is stored once, every
 * message acknowledged once, every approved command run once; exactly one replica leads the
 * proactive loop and exactly one long-polls, and killing that one hands the role over.
 */
@ExtendWith(AppProcess.LogsOnFailure.class)
@ResourceLock(Locks.CHILD_JVMS)
class ReplicasProcessTest {
    private static final int CHATS = 100;
    private static final int PRESS_EVERY = 5; // every 5th chat presses OK: 20 Claude Code runs
    private static final long FIRST_CHAT = 20_001;
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final Pattern TOKEN = Pattern.compile("job-token-(\\d+)");

    @TempDir
    Path dir;
    @AutoClose
    final TestDatabase db = TestDatabase.create();
    @AutoClose
    final FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
    @AutoClose
    final FakeAnthropic anthropic = FakeAnthropic.start();
    @AutoClose
    AppProcess a;
    @AutoClose
    AppProcess b;

    @Test
    void two_processes_under_concurrent_webhooks_store_each_update_once_acknowledge_and_run_each_once_and_hand_the_proactive_lead_over()
            throws Exception {
        FakeClaude claude = FakeClaude.useInWorkdir(dir.resolve("workspace"), "echo");
        anthropic.respondByDefault(AgentHarness.classification("command", true)); // every message waits for OK
        // Leadership is taken whether or not the loop is paused; paused, no cycle adds Claude runs to count.
        db.jdbi().useHandle(h -> h.execute("update proactive_state set paused = true where id = 1"));
        Map<String, String> env = env(true);
        env.put("PROACTIVE_ENABLED", "true");
        env.put("PROACTIVE_LEADER_POLL_SECONDS", "1");
        startBoth(env);

        List<CompletableFuture<HttpResponse<String>>> posted = new ArrayList<>();
        for (int i = 0; i < CHATS; i++) {
            posted.add(replica(i).postUpdateAsync(TelegramFixtures.text(1000 + i, chat(i), 1, "job-token-" + i + " please")));
        }
        assertAll200(posted);
        await().atMost(WAIT).until(() -> acks().size() == CHATS);
        assertThat(acks().stream().map(c -> c.param("chat_id"))).as("one acknowledgement per chat").doesNotHaveDuplicates();
        Map<String, FakeTelegram.Call> ackByChat = acks().stream().collect(Collectors.toMap(c -> c.param("chat_id"), c -> c));

        List<CompletableFuture<HttpResponse<String>>> presses = new ArrayList<>();
        for (int i = 0; i < CHATS; i += PRESS_EVERY) {
            String approval = AgentHarness.button(ackByChat.get(Long.toString(chat(i))));
            presses.add(replica(i + 1).postUpdateAsync(TelegramFixtures.press(5000 + i, chat(i), chat(i), 1, approval)));
        }
        assertAll200(presses);
        int pressed = presses.size();
        await().atMost(WAIT).until(() -> count("select count(*) from reactive_jobs where status = 'done'") == pressed);
        await().atMost(WAIT).until(() -> count("select count(*) from chat_messages where role = 'assistant' and send_status = 'pending'") == 0);

        assertThat(count("select count(*) from telegram_updates")).as("every update stored once").isEqualTo(CHATS + pressed);
        assertThat(count("select count(*) from chat_messages where role = 'user'")).isEqualTo(CHATS);
        assertThat(count("select count(*) from reactive_jobs")).as("one job per message").isEqualTo(CHATS);
        assertThat(count("select count(distinct trigger_message_id) from reactive_jobs")).isEqualTo(CHATS);
        assertThat(count("select count(*) from reactive_jobs where status = 'awaiting_approval' and attempts = 1"))
                .as("claimed once, to classify").isEqualTo(CHATS - pressed);
        assertThat(count("select count(*) from reactive_jobs where status = 'done' and attempts = 2"))
                .as("claimed once to classify, once to execute").isEqualTo(pressed);
        // Presses are answered off the webhook request now (issue 18): wait for the answers to land.
        await().atMost(WAIT).until(() -> telegram.calls("answerCallbackQuery").size() >= pressed);
        assertThat(telegram.calls("answerCallbackQuery")).hasSize(pressed);

        List<Long> ran = claude.runs().stream().map(r -> token(r.stdin())).toList();
        assertThat(ran).as("each approved command run exactly once").hasSize(pressed).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(LongStream.range(0, CHATS).filter(i -> i % PRESS_EVERY == 0).boxed().toList());
        List<FakeTelegram.Call> answers = telegram.calls("sendMessage").stream().filter(c -> c.param("text").startsWith("ECHO")).toList();
        assertThat(answers.stream().map(c -> c.param("chat_id"))).as("one answer per approved command").hasSize(pressed).doesNotHaveDuplicates();
        // Nor the proactive loop's first-run notice: the loop is paused here, and a paused loop does not say it is on.
        assertThat(telegram.calls("sendMessage")).as("nothing else sent").hasSize(CHATS + pressed);

        // One proactive leader; SIGKILL it and the other takes over within its leader poll.
        await().atMost(WAIT).until(() -> a.metric("proactive_leader") + b.metric("proactive_leader") == 1);
        AppProcess leader = a.metric("proactive_leader") == 1 ? a : b;
        AppProcess follower = leader == a ? b : a;
        long killed = System.nanoTime();
        leader.kill();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> follower.metric("proactive_leader") == 1);
        System.out.printf("proactive leadership handed over %d ms after the SIGKILL%n", (System.nanoTime() - killed) / 1_000_000);
    }

    @Test
    void of_two_processes_exactly_one_long_polls_and_the_other_takes_over_within_its_follower_retry_of_the_sigkill() {
        FakeClaude.useInWorkdir(dir.resolve("workspace"), "echo");
        anthropic.respondByDefault(AgentHarness.classification("command", true));
        startBoth(env(false));

        String following = "Another replica long-polls Telegram";
        await().atMost(WAIT).until(() -> (a.logText().contains(following) || b.logText().contains(following))
                && a.metric("telegram_poll_leader") + b.metric("telegram_poll_leader") == 1);
        AppProcess poller = a.metric("telegram_poll_leader") == 1 ? a : b;
        AppProcess other = poller == a ? b : a;
        assertThat(other.logText()).as("one poller").contains(following).doesNotContain("Telegram long polling started");

        for (int i = 0; i < 20; i++) {
            telegram.queueUpdate(TelegramFixtures.text(7000 + i, chat(i), 1, "polled " + i));
        }
        await().atMost(WAIT).until(() -> count("select count(*) from telegram_updates") == 20);
        for (int i = 20; i < 30; i++) {
            telegram.queueUpdate(TelegramFixtures.text(7000 + i, chat(i), 1, "polled " + i)); // some may be in flight at the kill
        }
        long killed = System.nanoTime();
        poller.kill();
        // The follower tries every LongPoller.FOLLOWER_RETRY (5 s); 5 s more for a loaded machine.
        await().atMost(Duration.ofSeconds(5 + 5)).pollInterval(Duration.ofMillis(50)).until(() -> other.metric("telegram_poll_leader") == 1);
        System.out.printf("long polling handed over %d ms after the SIGKILL%n", (System.nanoTime() - killed) / 1_000_000);
        for (int i = 30; i < 40; i++) {
            telegram.queueUpdate(TelegramFixtures.text(7000 + i, chat(i), 1, "polled " + i));
        }
        await().atMost(WAIT).until(() -> count("select count(*) from telegram_updates") == 40);
        await().atMost(WAIT).until(() -> telegram.heldUpdates() == 0);

        List<Long> stored = db.jdbi().withHandle(h -> h.createQuery("select update_id from telegram_updates order by 1").mapTo(Long.class).list());
        assertThat(stored).as("every update once").containsExactlyElementsOf(LongStream.range(7000, 7040).boxed().toList());
        assertThat(count("select count(*) from reactive_jobs")).isEqualTo(40);
        assertThat(count("select count(distinct trigger_message_id) from reactive_jobs")).isEqualTo(40);
    }

    /** The replicas' environment: the fakes, every test chat a Master, webhook mode or long polling. */
    private Map<String, String> env(boolean webhook) {
        Map<String, String> env = AgentHarness.env(telegram, anthropic, dir.resolve("workspace"));
        env.put("MASTER_CHAT_IDS", java.util.stream.IntStream.range(0, CHATS).mapToObj(i -> Long.toString(chat(i))).collect(Collectors.joining(",")));
        env.put("REACTIVE_PROGRESS_AFTER_SECONDS", "3600"); // no progress message to count under a slow machine
        if (!webhook) {
            env.remove("PUBLIC_URL");
        }
        return env;
    }

    /** Both at once (their starts overlap, as replicas' do), each with its own DATA_DIR. */
    private void startBoth(Map<String, String> env) {
        a = AppProcess.begin("a", db, dir.resolve("a"), env);
        b = AppProcess.begin("b", db, dir.resolve("b"), env);
        a.awaitReady();
        b.awaitReady();
    }

    private AppProcess replica(int i) {
        return i % 2 == 0 ? a : b;
    }

    private static long chat(int i) {
        return FIRST_CHAT + i;
    }

    private static long token(String prompt) {
        Matcher m = TOKEN.matcher(prompt);
        assertThat(m.find()).as("a run for one of the test's messages").isTrue();
        long t = Long.parseLong(m.group(1));
        assertThat(m.find() && Long.parseLong(m.group(1)) != t).as("one message's run").isFalse();
        return t;
    }

    private static void assertAll200(List<CompletableFuture<HttpResponse<String>>> posted) {
        assertThat(posted.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList())
                .as("every post answered 200").containsOnly(200);
    }

    private List<FakeTelegram.Call> acks() {
        return telegram.calls("sendMessage").stream().filter(c -> c.param("text").startsWith("Understood:")).toList();
    }

    private long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }
}
