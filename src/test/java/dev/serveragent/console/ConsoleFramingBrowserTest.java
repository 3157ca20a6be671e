package dev.serveragent.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.serveragent.testing.Browser;
import dev.serveragent.testing.Locks;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Issue 18.7: a page served from another local port framed {@code /console} and a click inside the
 * frame went through. In a real Chromium, the console must now refuse to render in a frame.
 */
@ResourceLock(Locks.CHROMIUM)
class ConsoleFramingBrowserTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();

    @TempDir
    Path dir;

    @Test
    void a_page_of_another_local_port_cannot_frame_the_console() throws IOException {
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        try (TestApp app = TestApp.start(db, dir, Map.of(), Clock.systemUTC()); Browser browser = Browser.start()) {
            String target = "http://localhost:" + app.app().httpPort() + "/console";
            byte[] page = ("<!doctype html><title>framing</title><iframe id=\"f\" src=\"" + target
                    + "\" onload=\"document.title='loaded'\" width=\"800\" height=\"600\"></iframe>").getBytes(StandardCharsets.UTF_8);
            other.createContext("/", ex -> {
                ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                ex.sendResponseHeaders(200, page.length);
                ex.getResponseBody().write(page);
                ex.close();
            });
            other.start();

            var driver = browser.driver();
            driver.get("http://127.0.0.1:" + other.getAddress().getPort() + "/");
            browser.await().until(ExpectedConditions.titleIs("loaded"));
            driver.switchTo().frame("f");
            assertThat(driver.findElements(By.id("composer"))).as("the console rendered inside a foreign frame").isEmpty();
            driver.switchTo().defaultContent();

            // The same page opened directly still works.
            driver.get(target);
            assertThat(driver.findElements(By.id("composer"))).hasSize(1);
        } finally {
            other.stop(0);
        }
    }
}
