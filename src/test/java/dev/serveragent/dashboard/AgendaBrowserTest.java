package dev.serveragent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.agenda.Schedule;
import dev.serveragent.agenda.Schedules;
import dev.serveragent.agenda.Scope;
import dev.serveragent.agenda.Task;
import dev.serveragent.agenda.Tasks;
import dev.serveragent.store.NoteRepository;
import dev.serveragent.store.ScheduleRepository;
import dev.serveragent.store.TaskRepository;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.testing.Browser;
import dev.serveragent.testing.Locks;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The agenda page in a real headless Chromium: from the console's link, the Master's schedules
 * (next firing in the Master's zone), open tasks and notes; its buttons pause, resume and cancel a
 * schedule, close a task and forget a note with plain forms (no script; the page's CSP allows
 * none inline). Saves {@code docs/img/dashboard-agenda.png}.
 */
@ResourceLock(Locks.CHROMIUM)
class AgendaBrowserTest {
    static final String TOKEN = "agenda-browser-admin-token-0123456789";
    static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");

    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @TempDir
    Path dir;

    @Test
    void the_master_opens_the_agenda_from_the_console_and_pauses_resumes_cancels_closes_and_forgets() {
        try (TestApp app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN, "MASTER_TZ", "Europe/Berlin"), new TestClock(NOW));
                Browser browser = Browser.start()) {
            var agenda = app.app().agenda();
            long thread = new ThreadRepository(db.jdbi(), java.time.Clock.systemUTC()).findOrCreate("telegram", 4242);
            Schedule standup = agenda.schedules().schedule(Scope.reactive(thread),
                    Schedules.Request.reminderCron("Stand-up: what is blocked?", "0 9 * * 1-5", null));
            Schedule bank = agenda.schedules().schedule(Scope.reactive(thread),
                    Schedules.Request.reminderAt("Call the bank about the <b>card</b>", "2026-12-08T09:00"));
            Task task = agenda.tasks().add(Scope.master(), new Tasks.NewTask("Renew the TLS certificate", Optional.empty(),
                    Optional.of("infra"), Optional.of("in_progress"), Optional.of(2), Optional.empty(), Optional.of(true)));
            agenda.tasks().add(Scope.master(), Tasks.NewTask.titled("Sort the photo backups"));
            long note = new NoteRepository(db.jdbi()).add("The backup disk is /dev/sdb", OptionalLong.empty(), "reactive", NOW);

            var d = browser.driver();
            d.get(app.uri("/console").toString());
            browser.await().until(ExpectedConditions.urlContains("/login"));
            d.findElement(By.id("token")).sendKeys(TOKEN);
            d.findElement(By.cssSelector("form[action='/login'] button")).click();
            browser.await().until(ExpectedConditions.presenceOfElementLocated(By.linkText("Agenda")));
            d.findElement(By.linkText("Agenda")).click();
            browser.await().until(ExpectedConditions.presenceOfElementLocated(By.id("schedules")));
            assertThat(d.findElement(By.id("zone")).getText()).isEqualTo("Europe/Berlin");
            assertThat(d.findElement(By.id("s" + standup.id())).getText()).contains("Mon 7 Dec 2026 09:00 Europe/Berlin");
            assertThat(d.findElement(By.id("s" + bank.id())).getText()).contains("Call the bank about the <b>card</b>");
            assertThat(d.findElement(By.id("t" + task.id())).getText()).contains("Renew the TLS certificate").contains("autonomous");
            browser.screenshot(Path.of("docs/img/dashboard-agenda.png"));

            click(d, "/admin/agenda/schedules/" + standup.id() + "/pause");
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("said"), "paused"));
            assertThat(d.findElement(By.id("s" + standup.id())).getAttribute("data-state")).isEqualTo("paused");
            assertThat(status(standup.id())).isEqualTo("paused");
            click(d, "/admin/agenda/schedules/" + standup.id() + "/resume");
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("said"), "resumed"));
            assertThat(status(standup.id())).isEqualTo("active");

            click(d, "/admin/agenda/schedules/" + bank.id() + "/cancel");
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("said"), "canceled"));
            assertThat(d.findElements(By.id("s" + bank.id()))).isEmpty();
            assertThat(status(bank.id())).isEqualTo("canceled");

            click(d, "/admin/agenda/tasks/" + task.id() + "/done");
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("said"), "marked done"));
            assertThat(new TaskRepository(db.jdbi()).find(task.id()).orElseThrow().status()).isEqualTo("done");

            click(d, "/admin/agenda/notes/" + note + "/forget");
            browser.await().until(ExpectedConditions.textToBePresentInElementLocated(By.id("said"), "forgotten"));
            assertThat(d.findElement(By.id("notes")).getText()).contains("No notes. Tell the agent");
            assertThat(d.getCurrentUrl()).contains("/admin/agenda");
        }
    }

    private static void click(org.openqa.selenium.WebDriver d, String action) {
        d.findElement(By.cssSelector("form[action='" + action + "'] button")).click();
    }

    private static String status(long id) {
        return new ScheduleRepository(db.jdbi()).find(id).orElseThrow().status();
    }
}
