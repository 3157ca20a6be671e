package dev.serveragent.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.claude.FakeClaude;
import dev.serveragent.testing.Browser;
import dev.serveragent.testing.ConsolePage;
import dev.serveragent.testing.Locks;
import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.FakeTranscriber;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console in a real headless Chromium, zero-config (loopback, no token, no Telegram) with a
 * model behind it: send, see "Understood: … Will: …" with OK, press it, see the answer arrive
 * live, reload and see the history. Saves {@code docs/img/console.png}.
 */
@ResourceLock(Locks.CHROMIUM)
class ConsoleBrowserTest {
    static final Path SCREENSHOT = Path.of("docs/img/console.png");

    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @AutoClose
    static final FakeAnthropic anthropic = FakeAnthropic.start();

    @TempDir
    Path dir;

    @Test
    void a_master_chats_approves_and_sees_the_answer_live_and_after_a_reload() throws java.io.IOException {
        Path workdir = dir.resolve("workspace");
        FakeClaude claude = FakeClaude.useInWorkdir(workdir, "console-demo");
        Map<String, String> env = ConsolePage.fakeModel(anthropic, workdir, Map.of());
        anthropic.respond(200, FakeAnthropic.message("{\"intent\":\"command\",\"summary\":\"you want nginx restarted on this server\","
                + "\"plan\":\"restart nginx with systemctl and check that it serves again\",\"needs_confirmation\":true,\"confidence\":0.93}", 310, 40));
        try (TestApp app = TestApp.start(db, dir, env, Clock.systemUTC()); Browser browser = Browser.start()) {
            var driver = browser.driver();
            ConsolePage.open(browser, app);
            ConsolePage.say(browser, "nginx is answering 502 again, please restart it");

            WebElement ok = browser.await().until(ExpectedConditions.elementToBeClickable(By.cssSelector(".msg.agent .buttons button")));
            assertThat(ok.getText()).isEqualTo("OK");
            WebElement ack = ok.findElement(By.xpath("./ancestor::div[contains(@class,'msg')]"));
            assertThat(ack.getText()).startsWith("Understood: you want nginx restarted on this server").contains("Will: restart nginx");
            assertThat(claude.runs()).as("nothing runs before OK").isEmpty();

            ok.click();
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "Done: nginx was restarted"));
            // The header follows the conversation: the press's "OK, working on it." gives way to the answer.
            browser.await().until(ExpectedConditions.textToBe(By.id("state"), "answered"));
            assertThat(driver.findElement(By.tagName("header")).getText()).doesNotContain("working on it");
            // The button went away in place, on the same message.
            browser.await().until(d -> d.findElements(By.cssSelector(".msg.agent .buttons button")).isEmpty());
            assertThat(claude.runs()).hasSize(1);
            browser.screenshot(SCREENSHOT);

            driver.navigate().refresh();
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "Done: nginx was restarted"));
            String page = driver.findElement(By.id("messages")).getText();
            assertThat(page).contains("nginx is answering 502 again").contains("Understood: you want nginx restarted");
            assertThat(driver.findElements(By.cssSelector(".msg"))).hasSize(3);

            // Times: today's as a time, an older one with its date; the full timestamp in the title.
            db.jdbi().useHandle(h -> h.execute("update chat_messages set created_at = created_at - interval '40 days' where text like 'nginx is answering%'"));
            driver.navigate().refresh();
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "Done: nginx was restarted"));
            List<WebElement> times = driver.findElements(By.cssSelector(".msg time"));
            java.time.LocalDate older = java.time.LocalDate.now().minusDays(40);
            assertThat(times.getFirst().getText()).contains(Integer.toString(older.getDayOfMonth()))
                    .contains(older.getMonth().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.US));
            assertThat(times.getLast().getText()).matches("\\d{1,2}:\\d{2}( [AP]M)?");
            assertThat(times.getLast().getAttribute("title")).contains(Integer.toString(java.time.Year.now().getValue()));

            // A file attached from the browser goes with the message and shows in the conversation.
            Path photo = java.nio.file.Files.write(dir.resolve("rack.png"), PNG);
            driver.findElement(By.id("file")).sendKeys(photo.toString());
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("attachment"), "rack.png"));
            ConsolePage.say(browser, "what is blinking on this rack?");
            WebElement sent = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg.user .file.photo")));
            assertThat(sent.getText()).contains("rack.png");
            // A kept file is a download link (served as an attachment; ConsoleFileDownloadTest).
            assertThat(sent.getTagName()).isEqualTo("a");
            assertThat(sent.getAttribute("href")).matches(".*/console/api/files/\\d+$");
            assertThat(sent.getAttribute("download")).isEqualTo("rack.png");
            assertThat(sent.findElement(By.xpath("..")).getText()).contains("what is blinking on this rack?");
            assertThat(driver.findElement(By.id("attachment")).isDisplayed()).isFalse();
            browser.await().until(d -> db.jdbi().withHandle(h -> h.createQuery(
                    "select count(*) from message_artifacts where kind = 'image_json'").mapTo(Integer.class).one()) == 1);

            // The dashboard is one click away, and the console one click back.
            driver.findElement(By.linkText("Dashboard")).click();
            browser.await().until(ExpectedConditions.urlContains("/admin"));
            driver.findElement(By.linkText("Console")).click();
            browser.await().until(ExpectedConditions.textToBe(By.id("status"), "live"));
        }
    }

    /** A 1×1 PNG. */
    static final byte[] PNG = java.util.Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    @Test
    void a_voice_note_recorded_in_the_browser_is_sent_and_transcribed() {
        Path workdir = dir.resolve("workspace");
        FakeClaude.useInWorkdir(workdir, "console-demo");
        // A database of its own: the conversation of one test must not show in another's page.
        try (TestDatabase own = TestDatabase.create(); FakeTranscriber transcriber = FakeTranscriber.start()) {
            Map<String, String> env = ConsolePage.fakeModel(anthropic, workdir, Map.of("TRANSCRIBE_URL", transcriber.url()));
            transcriber.transcript("how full is the disk?");
            try (TestApp app = TestApp.start(own, dir, env, Clock.systemUTC());
                 Browser browser = Browser.start("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream")) {
                var driver = browser.driver();
                ConsolePage.open(browser, app);
                WebElement record = browser.await().until(ExpectedConditions.elementToBeClickable(By.id("record")));
                record.click();
                browser.await().until(ExpectedConditions.textToBe(By.id("record"), "Stop"));
                record.click();
                browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("attachment"), "voice-"));
                driver.findElement(By.id("text")).sendKeys(Keys.ENTER);
                WebElement sent = browser.await().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".msg.user .file.voice")));
                assertThat(sent.getText()).startsWith("Voice note: voice-").contains(".webm");
                org.awaitility.Awaitility.await().atMost(Browser.WAIT).until(() -> transcriber.requests().size() == 1);
                byte[] audio = transcriber.requests().getFirst().file();
                assertThat(java.util.Arrays.copyOf(audio, 4)).as("a WebM recording").isEqualTo(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3});
            }
        }
    }

    @Test
    void with_no_model_the_notice_says_it_once_even_after_the_agent_said_it_in_the_conversation() {
        try (TestDatabase own = TestDatabase.create(); // its conversation must not show in another test's page
             TestApp app = TestApp.start(own, dir, Map.of("PROACTIVE_ENABLED", "false"), Clock.systemUTC()); Browser browser = Browser.start()) {
            var driver = browser.driver();
            driver.get("http://localhost:" + app.app().httpPort() + "/console");
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("notices"), "no model is configured"));
            ConsolePage.say(browser, "hello?");
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#messages"), "ANTHROPIC_API_KEY=sk-ant-"));
            String page = driver.findElement(By.tagName("body")).getText();
            assertThat(page.split("no model is configured", -1)).as(page).hasSize(2);
            browser.await().until(ExpectedConditions.textToBe(By.id("state"), "answered"));
        }
    }
}
