package dev.serveragent.agenda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agenda through the real application: the webhook in, a fake Bot API out. A reminder made
 * through the service fires (the app's own firing loop, the clock moved past its time) and is
 * delivered; {@code /tz}, {@code /tasks} and {@code /schedules} are answered without a model, and
 * a listing's button cancels.
 */
class AgendaEndToEndTest {
    static final long MASTER = TelegramFixtures.FIXTURE_MASTER;
    static final Duration WAIT = Duration.ofSeconds(30);

    @AutoClose
    final TestDatabase db = TestDatabase.create();
    @AutoClose
    final FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
    final TestClock clock = TestClock.tickingFrom(Instant.parse("2026-12-07T07:58:00Z")); // real time: the sender's pacing must pass
    @TempDir
    Path dir;
    long updates = 700_000;
    long messages = 1;

    TestApp start() {
        Map<String, String> env = new HashMap<>(TelegramFixtures.env(telegram, "https://agent.example"));
        env.put("PROACTIVE_ENABLED", "false");
        env.put("MASTER_TZ", "Europe/Berlin");
        return TestApp.start(db, dir, env, clock);
    }

    FakeTelegram.Call say(TestApp app, String text) {
        int before = telegram.calls("sendMessage").size();
        assertThat(TelegramFixtures.post(app, TelegramFixtures.text(++updates, MASTER, ++messages, text)).statusCode()).isEqualTo(200);
        return sent(before + 1);
    }

    FakeTelegram.Call sent(int n) {
        await().atMost(WAIT).until(() -> telegram.calls("sendMessage").size() >= n);
        return telegram.calls("sendMessage").get(n - 1);
    }

    long thread() {
        return db.jdbi().withHandle(h -> h.createQuery("select id from chat_threads where platform = 'telegram' and chat_id = :c")
                .bind("c", MASTER).mapTo(Long.class).one());
    }

    @Test
    void a_reminder_made_through_the_service_fires_on_time_and_reaches_the_master() {
        try (TestApp app = start()) {
            assertThat(say(app, "/tz").param("text")).startsWith("Your time zone: Europe/Berlin (MASTER_TZ)");
            Schedules schedules = app.app().agenda().schedules();
            Schedule s = schedules.schedule(Scope.reactive(thread()), Schedules.Request.reminderAt("call the bank", "2026-12-07 09:00"));
            assertThat(s.nextFireAt()).contains(Instant.parse("2026-12-07T08:00:00Z"));
            int before = telegram.calls("sendMessage").size();

            clock.advance(Duration.ofMinutes(2)); // 08:00:00Z and a little: the app's own loop fires it
            FakeTelegram.Call reminder = sent(before + 1);
            assertThat(reminder.param("text")).isEqualTo("⏰ Reminder: call the bank");
            assertThat(reminder.param("chat_id")).isEqualTo(Long.toString(MASTER));
            assertThat(schedules.list(Scope.reactive(thread()))).isEmpty();
            long ledgerRows = db.jdbi().withHandle(h -> h.createQuery("select count(*) from token_ledger").mapTo(Long.class).one());
            assertThat(ledgerRows).isZero(); // no model at all
        }
    }

    @Test
    void schedules_and_tasks_are_listed_without_a_model_and_their_buttons_cancel() {
        try (TestApp app = start()) {
            say(app, "/help");
            Schedule s = app.app().agenda().schedules().schedule(Scope.reactive(thread()),
                    Schedules.Request.reminderCron("stand-up", "0 9 * * 1-5", null));

            FakeTelegram.Call listing = say(app, "/schedules");
            assertThat(listing.param("text")).startsWith("Schedules (your time zone: Europe/Berlin):\n#" + s.id()
                    + " reminder, cron '0 9 * * 1-5' (Europe/Berlin), next Mon 7 Dec 2026 09:00 Europe/Berlin: stand-up");
            assertThat(listing.param("reply_markup")).contains("\"callback_data\":\"sc:" + s.id() + "\"");

            int before = telegram.calls("sendMessage").size();
            TelegramFixtures.post(app, TelegramFixtures.press(++updates, MASTER, MASTER, 1, "sc:" + s.id()));
            assertThat(sent(before + 1).param("text")).isEqualTo("Canceled schedule #" + s.id() + ": stand-up");
            await().atMost(WAIT).until(() -> telegram.calls("answerCallbackQuery").stream()
                    .anyMatch(c -> ("Schedule #" + s.id() + " canceled.").equals(c.param("text"))));
            assertThat(app.app().agenda().schedules().list(Scope.reactive(thread()))).isEmpty();

            assertThat(say(app, "/tasks add Buy milk").param("text")).matches("Added task #\\d+ \\[todo\\] Buy milk");
            FakeTelegram.Call tasks = say(app, "/tasks");
            assertThat(tasks.param("text")).startsWith("Open tasks:\n#").contains("[todo] Buy milk");
            assertThat(tasks.param("reply_markup")).contains("\"callback_data\":\"td:");
            assertThat(say(app, "/schedules cancel 99999").param("text")).isEqualTo("Not done: no schedule #99999 in this chat");
            assertThat(say(app, "/tz Mars/Olympus").param("text")).startsWith("Not done: 'Mars/Olympus' is not a time zone");
            assertThat(say(app, "/tz Asia/Tokyo").param("text")).startsWith("Time zone set to Asia/Tokyo.");
            assertThat(app.app().agenda().zone().current()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        }
    }

    @Test
    void a_scheduled_task_runs_claude_code_in_its_thread_within_its_own_ceiling_and_its_answer_is_sent() throws Exception {
        java.util.List<dev.serveragent.claude.ClaudeRequest> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.serveragent.claude.ClaudeRunner runner = request -> {
            requests.add(request);
            var result = new dev.serveragent.claude.ClaudeResult.Completed("Disk is at 42%.", Optional.empty(), 1, 0.01,
                    new dev.serveragent.claude.Usage(1_000, 200, 0, 0));
            return new dev.serveragent.claude.ClaudeRun() {
                public dev.serveragent.claude.ClaudeResult await() {
                    return result;
                }

                public Optional<dev.serveragent.claude.ClaudeResult> await(Duration timeout) {
                    return Optional.of(result);
                }

                public void cancel() {}
            };
        };
        Map<String, String> env = new HashMap<>(TelegramFixtures.env(telegram, "https://agent.example"));
        env.put("PROACTIVE_ENABLED", "false");
        env.put("PORT", "0");
        env.put("BIND_HOST", "127.0.0.1");
        env.put("DATABASE_URL", db.databaseUrlEnv());
        env.put("DATA_DIR", dir.toString());
        try (dev.serveragent.Application app = dev.serveragent.Application.start(
                dev.serveragent.config.AppConfig.from(new dev.serveragent.config.Settings(env)), clock, Optional.of(runner))) {
            long thread = new dev.serveragent.store.ThreadRepository(db.jdbi(), clock).findOrCreate("telegram", MASTER);
            Schedule s = app.agenda().schedules().schedule(Scope.reactive(thread), new Schedules.Request("task",
                    "check the disk and tell me if it is over 80%", Optional.of("2026-12-07T08:00:00Z"), Optional.empty(),
                    Optional.empty(), Optional.of(30_000L)));
            assertThat(s.tokenCeiling()).contains(30_000L);
            clock.advance(Duration.ofMinutes(2));

            assertThat(sent(1).param("text")).isEqualTo("Disk is at 42%.");
            assertThat(requests).singleElement().satisfies(r -> {
                assertThat(r.mode()).isEqualTo(dev.serveragent.claude.ClaudeRequest.Mode.COMMAND);
                assertThat(r.tokenCeiling()).hasValue(30_000);
                assertThat(r.prompt()).contains("check the disk and tell me if it is over 80%").contains("Scheduled task #" + s.id());
            });
            await().atMost(WAIT).until(() -> db.jdbi().withHandle(h -> h.createQuery(
                    "select count(*) from token_ledger where scope = 'reactive' and meta_json->>'origin' = 'schedule'")
                    .mapTo(Long.class).one()) == 1);
        }
    }
}
