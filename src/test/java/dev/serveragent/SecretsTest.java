package dev.serveragent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.serveragent.claude.FakeClaude;
import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.CapturedLogs;
import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.FakeS3;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.FakeTranscriber;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.slf4j.LoggerFactory;

/**
 * Every secret the agent is given (bot token, webhook secret, API keys, the OAuth token,
 * {@code ADMIN_TOKEN}, the S3 secret key, the database password) is used in a full end-to-end run
 * through every peer, with their failures, at log level DEBUG; afterwards none of them appears in a
 * log line, an HTTP answer, a message or report sent, a prompt, Claude Code's argv, the database
 * (every row of every table: raw payloads, errors, reports, settings), {@code /metrics} or a file
 * the agent wrote.
 */
@Isolated("turns the root logger to DEBUG for the whole JVM")
class SecretsTest {
    static final String BOT_TOKEN = "7391246580:AAHleakCheckBotTokenPart_9zXq";
    static final String WEBHOOK_SECRET = "whLeakCheck-Secret_5531";
    static final String ANTHROPIC_KEY = "sk-ant-api03-leakCheckAnthropicKey";
    static final String HAIKU_KEY = "sk-ant-api03-leakCheckHaikuKey";
    static final String TRANSCRIBE_KEY = "tr-leakCheckTranscribeKey";
    static final String OAUTH_TOKEN = "sk-ant-oat01-leakCheckOauthToken";
    static final String ADMIN_TOKEN = "admin-leakCheck-Token-0123456789";
    static final String MINIO_SECRET = "minio-leakCheckSecretKey";
    static final String DB_PASSWORD = "pgLeakCheckPassw0rd";
    static final long MASTER = TelegramFixtures.FIXTURE_MASTER;

    /** The bot token's secret half too: a log that masks the bot id but keeps the rest leaks it all the same. */
    static final List<String> SECRETS = List.of(BOT_TOKEN, BOT_TOKEN.substring(BOT_TOKEN.indexOf(':') + 1), WEBHOOK_SECRET,
            ANTHROPIC_KEY, HAIKU_KEY, TRANSCRIBE_KEY, OAUTH_TOKEN, ADMIN_TOKEN, MINIO_SECRET, DB_PASSWORD);

    @TempDir
    Path dataDir;

    private final List<String> seen = new ArrayList<>(); // everything the agent said to the outside, with where
    private TestApp app;

    @Test
    void no_secret_appears_anywhere_after_a_full_run() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        root.setLevel(Level.DEBUG);
        Path workdir = dataDir.resolve("workspace");
        FakeClaude claude = FakeClaude.useInWorkdir(workdir, "echo");
        String role = "sa_leak_" + Long.toHexString(System.nanoTime());
        try (CapturedLogs logs = CapturedLogs.start();
                TestDatabase db = TestDatabase.createEmpty();
                FakeTelegram telegram = FakeTelegram.start(BOT_TOKEN);
                FakeAnthropic anthropic = FakeAnthropic.start();
                FakeTranscriber transcriber = FakeTranscriber.start();
                FakeS3 s3 = new FakeS3()) {
            db.jdbi().useHandle(h -> {
                h.execute("create role " + role + " login password '" + DB_PASSWORD + "'");
                h.execute("alter database " + db.name() + " owner to " + role);
            });
            URI admin = URI.create(db.url().jdbcUrl().substring("jdbc:".length()));
            String databaseUrl = "postgres://" + role + ":" + DB_PASSWORD + "@" + admin.getHost() + ":" + admin.getPort() + "/" + db.name();

            Map<String, String> env = new HashMap<>(AgentHarness.env(telegram, anthropic, workdir));
            env.putAll(Map.of("TELEGRAM_BOT_TOKEN", BOT_TOKEN, "TELEGRAM_WEBHOOK_SECRET", WEBHOOK_SECRET,
                    "ANTHROPIC_API_KEY", ANTHROPIC_KEY, "HAIKU_API_KEY", HAIKU_KEY, "CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN,
                    "TRANSCRIBE_URL", transcriber.url(), "TRANSCRIBE_API_KEY", TRANSCRIBE_KEY, "ADMIN_TOKEN", ADMIN_TOKEN,
                    "MASTER_CHAT_IDS", Long.toString(MASTER)));
            env.putAll(Map.of("MINIO_ENDPOINT", s3.url(), "MINIO_ACCESS_KEY", "minio-access", "MINIO_SECRET_KEY", MINIO_SECRET,
                    "MINIO_BUCKET", "agent-media", "DAILY_REPORT_AT", "00:00"));
            telegram.addFile("AwACAgIAAxkBAAIBZ2VoiceFileId", "voice/file_0.oga", "OggS voice".getBytes(StandardCharsets.UTF_8));
            telegram.addFile("AgACAgIAAxkBAAIBphotoLarge", "photos/file_1.jpg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2});
            transcriber.transcript("restart nginx please");

            app = TestApp.start(databaseUrl, dataDir, env, Clock.systemUTC());

            // A command, its OK and Claude Code's run.
            anthropic.respond(200, AgentHarness.classification("command", true));
            webhook(WEBHOOK_SECRET, TelegramFixtures.text(1, MASTER, 1, "restart the nginx service"));
            FakeTelegram.Call ack = await().atMost(AgentHarness.WAIT).until(() -> telegram.calls("sendMessage").stream()
                    .filter(c -> c.param("text").startsWith("Understood")).findFirst(), java.util.Optional::isPresent).get();
            long ackId = await().atMost(AgentHarness.WAIT).until(() -> db.jdbi().withHandle(h -> h.createQuery(
                    "select platform_message_id from chat_messages where role = 'assistant' and text = :t and platform_message_id is not null")
                    .bind("t", ack.param("text")).mapTo(Long.class).findOne()), java.util.Optional::isPresent).get();
            webhook(WEBHOOK_SECRET, press(2, ackId, AgentHarness.button(ack)));
            await().atMost(AgentHarness.WAIT).until(() -> db.jdbi().withHandle(h -> h.createQuery(
                    "select count(*) from reactive_jobs where mode = 'execute' and status = 'done'").mapTo(Long.class).one()) == 1);
            // Voice (transcribed, kept in S3) and a photo (described), each with a failure of its peer first.
            transcriber.failNext(1, 500);
            anthropic.respond(401, FakeAnthropic.error("authentication_error", "invalid x-api-key"));
            webhook(WEBHOOK_SECRET, TelegramFixtures.update("message_voice", 3, 3));
            webhook(WEBHOOK_SECRET, TelegramFixtures.update("message_photo", 4, 4));
            // Telegram refusing and failing sends; the Master's commands and reports.
            telegram.refuse("sendMessage", 1, 401, "Unauthorized");
            telegram.serverError("sendMessage", 1, 502);
            webhook(WEBHOOK_SECRET, TelegramFixtures.text(5, MASTER, 5, "/cost"));
            webhook(WEBHOOK_SECRET, TelegramFixtures.text(6, MASTER, 6, "/status"));
            webhook(WEBHOOK_SECRET, TelegramFixtures.text(7, MASTER, 7, "/masters"));
            // Bad input: a wrong secret, no secret, a body that is not JSON.
            assertThat(webhook("wrong-" + WEBHOOK_SECRET, TelegramFixtures.text(8, MASTER, 8, "x")).statusCode()).isEqualTo(401);
            assertThat(record("webhook without secret", app.post(TelegramFixtures.WEBHOOK, "{}", Map.of("Content-Type", "application/json")))
                    .statusCode()).isEqualTo(401);
            assertThat(webhook(WEBHOOK_SECRET, "{not json").statusCode()).isEqualTo(400);
            // The console and dashboard: a wrong token, the right one, a message, every page; the API with bearer tokens.
            try (ConsoleClient console = ConsoleClient.of(app)) {
                record("login wrong", console.login("wrong-" + ADMIN_TOKEN));
                assertThat(record("login", console.login(ADMIN_TOKEN)).statusCode()).isEqualTo(303);
                record("console", console.open());
                console.say("what is the uptime?");
                for (String page : List.of("/admin", "/admin/conversations", "/admin/jobs", "/admin/tokens", "/admin/money", "/admin/runs",
                        "/admin/deployments", "/admin/masters", "/console/api/history")) {
                    record(page, console.get(page));
                }
            }
            for (String api : List.of("threads", "jobs", "approvals", "ledger", "runs", "deployments")) {
                record(api, app.send(HttpRequest.newBuilder(app.uri("/admin/api/" + api)).header("Authorization", "Bearer " + ADMIN_TOKEN).build()));
                record(api + " wrong", app.send(HttpRequest.newBuilder(app.uri("/admin/api/" + api))
                        .header("Authorization", "Bearer wrong-" + ADMIN_TOKEN).build()));
            }
            await().atMost(AgentHarness.WAIT).until(() -> db.jdbi().withHandle(h -> h.createQuery(
                    "select count(*) from message_artifacts where status = 'pending'").mapTo(Long.class).one()) == 0);
            await().atMost(AgentHarness.WAIT).until(() -> db.jdbi().withHandle(h -> h.createQuery(
                    "select count(*) from chat_messages where send_status = 'pending'").mapTo(Long.class).one()) == 0);
            record("metrics", app.get("/metrics"));
            record("readyz", app.get("/readyz"));

            // Each secret was really used, so its absence below means something.
            assertThat(telegram.calls("sendMessage")).isNotEmpty();
            assertThat(anthropic.requests()).extracting(FakeAnthropic.Request::apiKey).contains(HAIKU_KEY);
            assertThat(transcriber.requests()).extracting(FakeTranscriber.Request::authorization).contains("Bearer " + TRANSCRIBE_KEY);
            assertThat(claude.lastRun().env()).containsEntry("CLAUDE_CODE_OAUTH_TOKEN", OAUTH_TOKEN);
            assertThat(s3.objects).isNotEmpty();

            app.close();
            app = null;
            seen.addAll(logs.lines().stream().map(l -> "log: " + l).toList());
            // setWebhook is where the webhook secret must go: to Telegram, once; every other parameter is searched.
            assertThat(telegram.calls("setWebhook")).extracting(c -> c.param("secret_token")).containsOnly(WEBHOOK_SECRET);
            telegram.calls().forEach(c -> {
                Map<String, String> params = new HashMap<>(c.params());
                if (c.method().equals("setWebhook")) {
                    params.remove("secret_token");
                }
                seen.add("sent to Telegram: " + c.method() + " " + params);
            });
            anthropic.requests().forEach(r -> seen.add("prompt: " + r.body()));
            transcriber.requests().forEach(r -> seen.add("transcription request: " + r.model() + " " + r.fileName()));
            claude.runs().forEach(r -> seen.add("claude argv: " + r.argv() + " stdin: " + r.stdin()));
            db.jdbi().useHandle(h -> {
                for (String table : h.createQuery("select tablename from pg_tables where schemaname = 'public'").mapTo(String.class).list()) {
                    h.createQuery("select cast(t as text) from " + table + " t").mapTo(String.class)
                            .forEach(row -> seen.add("row of " + table + ": " + row));
                }
            });
            try (Stream<Path> files = Files.walk(dataDir)) {
                // Not the fake CLI's own record of what it was given (its environment holds the OAuth token by design).
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/.fake-claude/")).toList()) {
                    seen.add("file " + f + ": " + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }
        } finally {
            root.setLevel(level);
            if (app != null) {
                app.close();
            }
        }

        assertThat(seen).as("the run left traces to search").hasSizeGreaterThan(100);
        assertThat(seen).anyMatch(s -> s.startsWith("row of chat_messages: ") && s.contains("restart the nginx service"));
        List<String> leaks = new ArrayList<>();
        for (String secret : SECRETS) {
            for (String s : seen) {
                int at = s.indexOf(secret);
                if (at >= 0) {
                    leaks.add(secret + " in " + s.substring(0, Math.min(s.length(), 60)).replace('\n', ' ') + " … "
                            + s.substring(Math.max(0, at - 120), Math.min(s.length(), at + secret.length() + 40)).replace('\n', ' '));
                }
            }
        }
        assertThat(leaks).as("secrets shown").isEmpty();
    }

    private HttpResponse<String> webhook(String secret, String body) {
        return record("webhook", app.post(TelegramFixtures.WEBHOOK, body,
                Map.of("X-Telegram-Bot-Api-Secret-Token", secret, "Content-Type", "application/json")));
    }

    private HttpResponse<String> record(String what, HttpResponse<String> r) {
        seen.add("answer to " + what + ": " + r.statusCode() + " " + r.headers().map() + " " + r.body());
        return r;
    }

    /** The Master's press of the acknowledgement's OK button, as Telegram sends it. */
    private static String press(long updateId, long messageId, String data) {
        return """
                {"update_id":%d,"callback_query":{"id":"4382bfdwdsb323b2d9","from":{"id":%d,"is_bot":false,"first_name":"Master"},
                "message":{"message_id":%d,"date":1767225600,"chat":{"id":%d,"type":"private"},"text":"ack"},
                "chat_instance":"-1","data":"%s"}}""".formatted(updateId, MASTER, messageId, MASTER, data);
    }
}
