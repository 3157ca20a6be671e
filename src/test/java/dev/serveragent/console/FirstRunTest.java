package dev.serveragent.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.claude.FakeClaude;
import dev.serveragent.testing.CapturedLogs;
import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.Locks;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** What a new user gets with little or nothing configured. */
@ResourceLock(Locks.LONG_POLLING_LOG) // its app long-polls: ModesTest counts those lines
class FirstRunTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();

    @TempDir
    Path dir;

    @Test
    void a_claude_cli_logged_in_with_its_own_stored_login_classifies_and_answers_with_no_token_configured() throws IOException {
        Path workdir = dir.resolve("workspace");
        FakeClaude claude = FakeClaude.useInWorkdir(workdir, "classify-command");
        Path cliHome = Files.createDirectories(dir.resolve("claude-home"));
        Files.writeString(cliHome.resolve(".credentials.json"), "{\"claudeAiOauth\":{\"accessToken\":\"stored\"}}");
        Map<String, String> env = new HashMap<>();
        env.put("CLAUDE_CODE_BIN", FakeClaude.SCRIPT.toString());
        env.put("CLAUDE_CODE_WORKDIR", workdir.toString());
        env.put("CLAUDE_CONFIG_DIR", cliHome.toString());
        env.put("PROACTIVE_ENABLED", "false");
        try (CapturedLogs logs = CapturedLogs.start();
             TestApp app = TestApp.start(db, dir, env, Clock.systemUTC()); ConsoleClient console = ConsoleClient.of(app)) {
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("stored login"));
            console.open();
            assertThat(console.history().path("notices").toString()).contains("stored login").doesNotContain("no model is configured");
            console.say("clean up the disk");
            console.awaitMessage(m -> m.path("text").asText().startsWith("Understood: you want the disk cleaned"));
            assertThat(claude.lastRun().values("--model")).containsExactly("claude-haiku-4-5");
        }
    }

    @Test
    void every_hint_sends_tokens_to_the_working_directorys_secrets_file_by_absolute_path() {
        String secrets = Path.of("").toAbsolutePath().resolve(".env.secrets").toString();
        try (TestApp app = TestApp.start(db, dir, Map.of("PROACTIVE_ENABLED", "false"), Clock.systemUTC());
             ConsoleClient console = ConsoleClient.of(app)) {
            console.open();
            var notices = console.history().path("notices");
            assertThat(notices.toString()).contains("no model is configured").contains("Telegram is off");
            notices.forEach(n -> assertThat(n.path("text").asText()).as("notice %s", n)
                    .satisfiesAnyOf(t -> assertThat(t).doesNotContain("TOKEN=", "KEY="),
                            t -> assertThat(t).contains("in " + secrets).doesNotContain("beside the jar")));
            console.say("hello?");
            console.awaitMessage(m -> m.path("role").asText().equals("assistant")
                    && m.path("text").asText().contains("one line in " + secrets));
        }
    }

    @Test
    void in_webhook_mode_without_a_secret_one_is_generated_once_and_kept() {
        try (FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN)) {
            Map<String, String> env = new HashMap<>(TelegramFixtures.env(telegram, "https://agent.example.org"));
            env.remove("TELEGRAM_WEBHOOK_SECRET");
            String first;
            try (TestApp app = TestApp.start(db, dir, env, Clock.systemUTC())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.calls("setWebhook").isEmpty());
                first = telegram.calls("setWebhook").getLast().param("secret_token");
                assertThat(first).matches("[0-9a-f]{64}");
                assertThat(app.post(TelegramFixtures.WEBHOOK, TelegramFixtures.text(1, 4242, 1, "hi"),
                        Map.of("X-Telegram-Bot-Api-Secret-Token", first)).statusCode()).isEqualTo(200);
                assertThat(app.post(TelegramFixtures.WEBHOOK, TelegramFixtures.text(2, 4242, 2, "hi"),
                        Map.of("X-Telegram-Bot-Api-Secret-Token", TelegramFixtures.SECRET)).statusCode()).isEqualTo(401);
            }
            try (TestApp app = TestApp.start(db, dir, env, Clock.systemUTC())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> telegram.calls("setWebhook").size() >= 2);
                assertThat(telegram.calls("setWebhook").getLast().param("secret_token")).isEqualTo(first);
            }
        }
    }

    @Test
    void long_polling_needs_no_webhook_secret() {
        try (FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN)) {
            Map<String, String> env = new HashMap<>(TelegramFixtures.env(telegram, null));
            env.remove("TELEGRAM_WEBHOOK_SECRET");
            try (TestApp app = TestApp.start(db, dir, env, Clock.systemUTC())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> !telegram.calls("getUpdates").isEmpty());
                assertThat(app.get("/readyz").statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void with_telegram_off_a_pdf_from_the_console_goes_through_the_media_pipeline_and_gives_its_text() throws Exception {
        byte[] pdf = pdf("Invoice 42: hosting for November, 310 EUR");
        try (TestApp app = TestApp.start(db, dir, Map.of(), Clock.systemUTC()); ConsoleClient console = ConsoleClient.of(app)) {
            console.open();
            var r = console.upload("invoice.pdf", "application/pdf", pdf, "is this right?");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> db.jdbi().withHandle(h -> h.createQuery(
                    "select count(*) from message_artifacts where status = 'done'").mapTo(Integer.class).one()) == 1);
            String json = db.jdbi().withHandle(h -> h.createQuery("select cast(content_json as text) from message_artifacts").mapTo(String.class).one());
            var content = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            assertThat(content.path("text").asText()).contains("Invoice 42: hosting for November, 310 EUR");
            assertThat(content.path("pages").asInt()).isEqualTo(1);
            assertThat(content.path("source").path("file_name").asText()).isEqualTo("invoice.pdf");
            console.awaitMessage(m -> m.path("file").path("name").asText().equals("invoice.pdf") && m.path("text").asText().equals("is this right?"));
        }
    }

    /** A one-page PDF with {@code line} on it, made with PDFBox as a real file would be. */
    static byte[] pdf(String line) throws IOException {
        try (var doc = new org.apache.pdfbox.pdmodel.PDDocument(); var out = new java.io.ByteArrayOutputStream()) {
            var page = new org.apache.pdfbox.pdmodel.PDPage();
            doc.addPage(page);
            try (var text = new org.apache.pdfbox.pdmodel.PDPageContentStream(doc, page)) {
                text.beginText();
                text.setFont(new org.apache.pdfbox.pdmodel.font.PDType1Font(org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName.HELVETICA), 12);
                text.newLineAtOffset(72, 700);
                text.showText(line);
                text.endText();
            }
            doc.save(out);
            return out.toByteArray();
        }
    }
}
