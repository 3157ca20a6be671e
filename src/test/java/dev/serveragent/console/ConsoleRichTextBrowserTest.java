package dev.serveragent.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.claude.FakeClaude;
import dev.serveragent.testing.Browser;
import dev.serveragent.testing.ConsolePage;
import dev.serveragent.testing.Locks;
import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The console draws a model's Markdown answer from its stored text and entities, in a real
 * headless Chromium: bold, code and a code block become elements, {@code <script>} arrives as
 * text, and a link opens only an http(s) URL, without a referrer, even when the stored entities
 * themselves are hostile.
 */
@ResourceLock(Locks.CHROMIUM)
class ConsoleRichTextBrowserTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @AutoClose
    static final FakeAnthropic anthropic = FakeAnthropic.start();

    @TempDir
    Path dir;

    @Test
    void a_markdown_answer_is_drawn_as_elements_and_script_tags_arrive_as_text() {
        Path workdir = dir.resolve("workspace");
        FakeClaude.useInWorkdir(workdir, "markdown-answer");
        Map<String, String> env = ConsolePage.fakeModel(anthropic, workdir, Map.of());
        anthropic.respond(200, FakeAnthropic.message("{\"intent\":\"question\",\"summary\":\"you want to know how full the disk is\","
                + "\"plan\":\"check with df\",\"needs_confirmation\":false,\"confidence\":0.95}", 300, 40));
        try (TestApp app = TestApp.start(db, dir, env, Clock.systemUTC()); Browser browser = Browser.start()) {
            var driver = browser.driver();
            ConsolePage.open(browser, app);
            ConsolePage.say(browser, "how full is the disk?");

            WebElement pre = browser.await().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".msg.agent pre code")));
            WebElement answer = pre.findElement(By.xpath("./ancestor::div[contains(@class,'msg')]"));
            assertThat(pre.getText()).isEqualTo("/dev/sda1  91%");
            assertThat(pre.getAttribute("data-language")).isEqualTo("sh");
            assertThat(answer.findElement(By.cssSelector("strong")).getText()).isEqualTo("Done.");
            assertThat(answer.findElement(By.cssSelector(":scope > code")).getText()).isEqualTo("df -h");
            assertThat(answer.getText()).contains("Tags stay text: <script>alert(1)</script>; see docs and bad");
            assertThat(driver.findElements(By.cssSelector("#messages script"))).isEmpty();
            WebElement link = answer.findElement(By.cssSelector("a"));
            assertThat(link.getText()).isEqualTo("docs");
            assertThat(link.getAttribute("href")).isEqualTo("https://example.com/df");
            assertThat(link.getAttribute("rel")).isEqualTo("noopener noreferrer");
            assertThat(answer.findElements(By.cssSelector("a"))).as("the javascript: link is text").hasSize(1);

            // Entities stored by something else than the renderer are trusted for nothing.
            long thread = db.jdbi().withHandle(h -> h.createQuery("select id from chat_threads where platform = 'console'")
                    .mapTo(Long.class).one());
            db.jdbi().useHandle(h -> h.createUpdate("""
                            insert into chat_messages (thread_id, role, text, entities, created_at, stored_at, kind, send_status)
                            values (:thread, 'assistant', :text, cast(:entities as jsonb), now(), now(), 'text', 'sent')""")
                    .bind("thread", thread)
                    .bind("text", "click <img src=x onerror=alert(2)> here")
                    .bind("entities", """
                            [{"type":"text_link","offset":0,"length":5,"url":"javascript:alert(3)"},
                             {"type":"bold","offset":-4,"length":9999},
                             {"type":"code","offset":6,"length":28},
                             {"type":"italic","offset":10,"length":3},
                             {"type":"<img src=x onerror=alert(4)>","offset":0,"length":3}]""")
                    .execute());
            WebElement hostile = browser.await().until(ExpectedConditions.presenceOfElementLocated(
                    By.xpath("//div[contains(@class,'msg')][contains(., 'onerror=alert(2)')]")));
            assertThat(hostile.getText()).startsWith("click <img src=x onerror=alert(2)> here");
            assertThat(hostile.findElements(By.cssSelector("img"))).isEmpty();
            assertThat(hostile.findElement(By.cssSelector("a")).getAttribute("href")).isNull();
            assertThat(hostile.findElements(By.cssSelector("code em"))).as("nothing inside code").isEmpty();
            assertThat(ExpectedConditions.alertIsPresent().apply(driver)).as("no script ran").isNull();
        }
    }
}
