package dev.serveragent.testing;

import dev.serveragent.claude.FakeClaude;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The console of a running app in a real headless Chromium: what the console's browser tests start from. */
public final class ConsolePage {
    private ConsolePage() {
    }

    /**
     * The environment of an app whose model is {@code anthropic} and whose Claude Code is the fake
     * CLI working in {@code workdir}, with the proactive loop off; {@code more} is added to it.
     */
    public static Map<String, String> fakeModel(FakeAnthropic anthropic, Path workdir, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of(
                "ANTHROPIC_API_KEY", "sk-ant-test", "ANTHROPIC_BASE_URL", anthropic.url(),
                "CLAUDE_CODE_BIN", FakeClaude.SCRIPT.toString(), "CLAUDE_CODE_WORKDIR", workdir.toString(),
                "PROACTIVE_ENABLED", "false"));
        env.putAll(more);
        return env;
    }

    /** Opens the app's console and waits until its live feed is connected. */
    public static void open(Browser browser, TestApp app) {
        browser.driver().get("http://localhost:" + app.app().httpPort() + "/console");
        browser.await().until(ExpectedConditions.textToBe(By.id("status"), "live"));
    }

    /** Types {@code text} in the message box and sends it with Enter, as a person would. */
    public static void say(Browser browser, String text) {
        WebElement input = browser.driver().findElement(By.id("text"));
        input.sendKeys(text);
        input.sendKeys(Keys.ENTER);
    }
}
