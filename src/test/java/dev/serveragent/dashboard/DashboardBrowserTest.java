package dev.serveragent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.Browser;
import dev.serveragent.testing.Locks;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The dashboard in a real headless Chromium: log in with ADMIN_TOKEN, read the seeded
 * conversation with its transcript, the token chart's data points, today's money and a
 * deployment report; a forged form without the session's CSRF token is refused. Saves the
 * screenshots the README shows ({@code docs/img/dashboard-*.png}).
 */
@ResourceLock(Locks.CHROMIUM)
class DashboardBrowserTest {
    static final String TOKEN = "browser-admin-token-0123456789abcdef";
    static final Instant NOW = Instant.parse("2026-12-02T15:30:00Z");
    static final Path IMG = Path.of("docs/img");

    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @TempDir
    Path dir;

    @Test
    void an_operator_logs_in_and_reads_conversations_tokens_money_and_deployments() {
        DashboardSeed seed = DashboardSeed.into(db.jdbi(), NOW);
        hourlyUsage();
        // The proactive loop runs (its pause control is offered only then); with no task it stays idle.
        try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN, "MASTER_CHAT_IDS", "4242", "PROACTIVE_ENABLED", "true",
                        "CLAUDE_CODE_BIN", "/nonexistent/claude"), new TestClock(NOW));
                Browser browser = Browser.start()) {
            var d = browser.driver();
            d.get(app.uri("/admin").toString());
            browser.await().until(ExpectedConditions.urlContains("/login"));
            d.findElement(By.id("token")).sendKeys(TOKEN);
            d.findElement(By.cssSelector("form[action='/login'] button")).click();
            browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("token-chart")));
            assertThat(d.getCurrentUrl()).endsWith("/admin");

            List<WebElement> bars = d.findElements(By.cssSelector("#token-chart rect.bar"));
            assertThat(bars).hasSizeGreaterThan(20);
            assertThat(bars).allSatisfy(b -> assertThat(Long.parseLong(b.getAttribute("data-tokens"))).isPositive());
            assertThat(d.findElements(By.cssSelector("#token-chart rect.bar.proactive"))).isNotEmpty();
            assertThat(d.findElements(By.cssSelector("#token-chart rect.bar.reactive"))).isNotEmpty();
            assertThat(d.findElement(By.cssSelector("#token-chart .budget-line")).getAttribute("data-tokens")).isEqualTo("291666");
            assertThat(d.findElement(By.cssSelector("#pace-chart .projection"))).isNotNull();
            assertThat(d.findElement(By.id("today-money")).getText()).contains("$0.46"); // $0.44 seeded + the two of the 20 rows below that fall today
            assertThat(d.findElement(By.id("masters")).getText()).contains("4242").contains("config");
            browser.screenshot(IMG.resolve("dashboard-overview.png"));

            d.get(app.uri("/admin/conversations").toString());
            d.findElement(By.linkText("Owner")).click();
            WebElement artifact = browser.await().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".artifact[data-kind='voice_transcript']")));
            assertThat(artifact.getText()).contains(DashboardSeed.TRANSCRIPT);
            assertThat(d.getCurrentUrl()).endsWith("/admin/conversations/" + seed.threadId());
            browser.screenshot(IMG.resolve("dashboard-conversation.png"));

            d.get(app.uri("/admin/conversations?q=backup").toString());
            assertThat(d.findElements(By.cssSelector("#messages tr.message"))).isNotEmpty();

            d.get(app.uri("/admin/deployments").toString());
            assertThat(d.findElement(By.id("d" + seed.deploymentId())).getText()).contains(DashboardSeed.REPORT).contains("healthy");
            browser.screenshot(IMG.resolve("dashboard-deployments.png"));

            d.get(app.uri("/admin/runs").toString());
            assertThat(d.findElement(By.id("runs")).getText()).contains("$0.42").contains("30.0 s");

            // A page elsewhere could only guess the token: the same form with a forged one is refused.
            d.get(app.uri("/admin").toString());
            ((org.openqa.selenium.JavascriptExecutor) d).executeScript("""
                    const f = document.querySelector("form[action='/admin/proactive']");
                    f.querySelector("input[name='_csrf']").value = 'forged';
                    f.submit();""");
            browser.await().until(ExpectedConditions.not(ExpectedConditions.urlToBe(app.uri("/admin").toString())));
            assertThat(d.getPageSource()).containsIgnoringCase("csrf");
            assertThat(app.app().proactive().paused()).isFalse();

            // The genuine form works.
            d.get(app.uri("/admin").toString());
            d.findElement(By.cssSelector("form[action='/admin/proactive'] button")).click();
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), "Resume the proactive loop"));
            assertThat(app.app().proactive().paused()).isTrue();
        }
    }

    /** Reactive and proactive usage every few hours of the week, so the chart has something to show. */
    static void hourlyUsage() {
        db.jdbi().useHandle(h -> {
            for (int i = 0; i < 20; i++) {
                Instant at = NOW.minusSeconds(3600L * 8 * i + 120);
                h.createUpdate("""
                                insert into token_ledger (scope, provider, tokens_input, tokens_output, tokens_total, created_at, meta_json)
                                values (:s, 'claude_code', :i, 2000, :t, :at, cast(:m as jsonb))""")
                        .bind("s", i % 3 == 0 ? "proactive" : "reactive").bind("i", 40_000L + 9_000L * (i % 5))
                        .bind("t", 42_000L + 9_000L * (i % 5)).bind("at", at).bind("m", "{\"cost_usd\":0.01}").execute();
            }
        });
    }
}
