package dev.serveragent.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.claude.FakeClaude;
import dev.serveragent.testing.Browser;
import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console in a real headless Chromium, zero-config (loopback, no token, no Telegram) with a
 * model behind it: send, see "Understood: … Will: …" with OK, press it, see the answer arrive
 * live, reload and see the history. Saves {@code docs/img/console.png}.
 */
class ConsoleBrowserTest {
    static final Path SCREENSHOT = Path.of("docs/img/console.png");

    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @AutoClose
    static final FakeAnthropic anthropic = FakeAnthropic.start();

    @TempDir
    Path dir;

    @Test
    void a_master_chats_approves_and_sees_the_answer_live_and_after_a_reload() {
        Path workdir = dir.resolve("workspace");
        FakeClaude claude = FakeClaude.useInWorkdir(workdir, "console-demo");
        Map<String, String> env = Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-test", "ANTHROPIC_BASE_URL", anthropic.url(),
                "CLAUDE_CODE_BIN", FakeClaude.SCRIPT.toString(), "CLAUDE_CODE_WORKDIR", workdir.toString(),
                "PROACTIVE_ENABLED", "false");
        anthropic.respond(200, FakeAnthropic.message("{\"intent\":\"command\",\"summary\":\"you want nginx restarted on this server\","
                + "\"plan\":\"restart nginx with systemctl and check that it serves again\",\"needs_confirmation\":true,\"confidence\":0.93}", 310, 40));
        try (TestApp app = TestApp.start(db, dir, env, Clock.systemUTC()); Browser browser = Browser.start()) {
            var driver = browser.driver();
            driver.get("http://localhost:" + app.app().httpPort() + "/console");
            browser.await().until(ExpectedConditions.textToBe(By.id("status"), "live"));

            WebElement input = driver.findElement(By.id("text"));
            input.sendKeys("nginx is answering 502 again, please restart it");
            input.sendKeys(Keys.ENTER);

            WebElement ok = browser.await().until(ExpectedConditions.elementToBeClickable(By.cssSelector(".msg.agent .buttons button")));
            assertThat(ok.getText()).isEqualTo("OK");
            WebElement ack = ok.findElement(By.xpath("./ancestor::div[contains(@class,'msg')]"));
            assertThat(ack.getText()).startsWith("Understood: you want nginx restarted on this server").contains("Will: restart nginx");
            assertThat(claude.runs()).as("nothing runs before OK").isEmpty();

            ok.click();
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "Done: nginx was restarted"));
            // The button went away in place, on the same message.
            browser.await().until(d -> d.findElements(By.cssSelector(".msg.agent .buttons button")).isEmpty());
            assertThat(claude.runs()).hasSize(1);
            browser.screenshot(SCREENSHOT);

            driver.navigate().refresh();
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages"), "Done: nginx was restarted"));
            String page = driver.findElement(By.id("messages")).getText();
            assertThat(page).contains("nginx is answering 502 again").contains("Understood: you want nginx restarted");
            assertThat(driver.findElements(By.cssSelector(".msg"))).hasSize(3);
        }
    }
}
