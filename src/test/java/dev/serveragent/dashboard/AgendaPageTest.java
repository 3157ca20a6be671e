package dev.serveragent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.agenda.Agenda;
import dev.serveragent.agenda.Schedule;
import dev.serveragent.agenda.Schedules;
import dev.serveragent.agenda.Scope;
import dev.serveragent.agenda.Task;
import dev.serveragent.agenda.Tasks;
import dev.serveragent.store.NoteRepository;
import dev.serveragent.store.ScheduleRepository;
import dev.serveragent.store.TaskRepository;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.testing.ConsoleClient;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agenda page {@code /admin/agenda} and {@code /admin/api/agenda} over HTTP: behind the
 * login, every button refused without the session's CSRF token, each button's effect in the
 * database (cancel, pause, resume, done, drop, forget) and a second press saying it was already
 * so; next firings in the Master's zone with the zone named; hostile text escaped; empty tables
 * saying how to add items.
 */
class AgendaPageTest {
    static final String TOKEN = "agenda-page-admin-token-0123456789";
    static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z"); // Monday 07:00 in Berlin
    static final ObjectMapper JSON = new ObjectMapper();
    static final String HOSTILE = "<script>alert('x')</script> & \"quotes\"";
    static final AtomicLong CHATS = new AtomicLong(71_000);

    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @TempDir
    static Path dir;
    static TestApp app;
    static String emptyPage;
    static JsonNode emptyApi;

    @BeforeAll
    static void start() throws Exception {
        app = TestApp.start(db, dir, Map.of("ADMIN_TOKEN", TOKEN, "MASTER_TZ", "Europe/Berlin"), new TestClock(NOW));
        try (ConsoleClient client = loggedIn()) {
            emptyPage = page(client, "/admin/agenda");
            emptyApi = JSON.readTree(client.get("/admin/api/agenda").body()).path("data");
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    static Agenda agenda() {
        return app.app().agenda();
    }

    static long thread() {
        return new ThreadRepository(db.jdbi(), java.time.Clock.systemUTC()).findOrCreate("telegram", CHATS.incrementAndGet());
    }

    static Schedule reminder(String text, String cron) {
        long t = thread();
        return agenda().schedules().schedule(Scope.reactive(t), Schedules.Request.reminderCron(text, cron, null));
    }

    static String scheduleStatus(long id) {
        return new ScheduleRepository(db.jdbi()).find(id).orElseThrow().status();
    }

    static String taskStatus(long id) {
        return new TaskRepository(db.jdbi()).find(id).orElseThrow().status();
    }

    static ConsoleClient loggedIn() {
        ConsoleClient client = ConsoleClient.of(app);
        client.login(TOKEN);
        client.open();
        return client;
    }

    static String page(ConsoleClient client, String path) {
        HttpResponse<String> r = client.get(path);
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    /** A button's form post; {@code csrf} null: without the token. */
    static HttpResponse<String> press(ConsoleClient client, String path, String csrf) {
        String body = csrf == null ? "" : "_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8);
        return client.send(HttpRequest.newBuilder(app.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-www-form-urlencoded").build());
    }

    /** Presses, follows the redirect, and returns the page's outcome line. */
    static String pressAndRead(ConsoleClient client, String path) {
        HttpResponse<String> r = press(client, path, client.csrf());
        assertThat(r.statusCode()).as(path).isEqualTo(303);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/admin/agenda?");
        String body = page(client, location.replaceFirst("#.*", ""));
        int at = body.indexOf("<p class=\"said\"");
        assertThat(at).as("the outcome is said").isPositive();
        return body.substring(body.indexOf('>', at) + 1, body.indexOf("</p>", at));
    }

    @Test
    void the_page_and_the_api_need_a_login() {
        HttpResponse<String> page = app.get("/admin/agenda");
        assertThat(page.statusCode()).isIn(302, 303);
        assertThat(page.headers().firstValue("Location").orElse("")).startsWith("/login");
        assertThat(app.get("/admin/api/agenda").statusCode()).isEqualTo(401);
        Schedule s = reminder("no stranger cancels this", "0 9 * * *");
        try (ConsoleClient stranger = ConsoleClient.of(app)) {
            assertThat(press(stranger, "/admin/agenda/schedules/" + s.id() + "/cancel", null).statusCode()).isIn(401, 403);
        }
        assertThat(scheduleStatus(s.id())).isEqualTo("active");
    }

    @Test
    void every_button_is_refused_without_the_csrf_token_and_changes_nothing() {
        Schedule s = reminder("keep me", "0 9 * * *");
        Task t = agenda().tasks().add(Scope.master(), Tasks.NewTask.titled("keep this task"));
        long note = new NoteRepository(db.jdbi()).add("keep this note", OptionalLong.empty(), "reactive", NOW);
        try (ConsoleClient client = loggedIn()) {
            for (String path : new String[] {"/admin/agenda/schedules/" + s.id() + "/cancel", "/admin/agenda/schedules/" + s.id() + "/pause",
                    "/admin/agenda/tasks/" + t.id() + "/done", "/admin/agenda/tasks/" + t.id() + "/drop", "/admin/agenda/notes/" + note + "/forget"}) {
                assertThat(press(client, path, null).statusCode()).as(path).isEqualTo(403);
                assertThat(press(client, path, "not-the-token").statusCode()).as(path).isEqualTo(403);
            }
        }
        assertThat(scheduleStatus(s.id())).isEqualTo("active");
        assertThat(taskStatus(t.id())).isEqualTo("todo");
        assertThat(new NoteRepository(db.jdbi()).newest(500)).extracting(NoteRepository.Fact::id).contains(note);
    }

    @Test
    void the_page_lists_schedules_with_their_next_firing_in_the_masters_zone_tasks_and_notes_all_escaped() throws Exception {
        Schedule s = reminder(HOSTILE, "0 9 * * 1-5");
        Task t = agenda().tasks().add(Scope.master(), new Tasks.NewTask(HOSTILE, java.util.Optional.empty(),
                java.util.Optional.of("infra"), java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.of(true)));
        long note = new NoteRepository(db.jdbi()).add("note " + HOSTILE, OptionalLong.empty(), "reactive", NOW);
        try (ConsoleClient client = loggedIn()) {
            String body = page(client, "/admin/agenda");
            assertThat(body).doesNotContain("<script>alert").contains("&lt;script&gt;alert(");
            assertThat(body).contains("<strong id=\"zone\">Europe/Berlin</strong>");
            String row = row(body, "s" + s.id());
            assertThat(row).contains("Mon 7 Dec 2026 09:00 Europe/Berlin").contains("cron <code>0 9 * * 1-5</code> in Europe/Berlin")
                    .contains("/admin/conversations/" + s.threadId()).contains("data-state=\"active\"")
                    .contains("action=\"/admin/agenda/schedules/" + s.id() + "/pause\"")
                    .contains("action=\"/admin/agenda/schedules/" + s.id() + "/cancel\"").contains("name=\"_csrf\" value=\"" + client.csrf() + "\"");
            assertThat(row(body, "t" + t.id())).contains("autonomous").contains("infra").contains("/admin/agenda/tasks/" + t.id() + "/done");
            assertThat(row(body, "n" + note)).contains("note &lt;script&gt;").contains("/admin/agenda/notes/" + note + "/forget");
            assertThat(body).contains("<a href=\"/admin/agenda\" class=\"here\">Agenda</a>");

            JsonNode api = JSON.readTree(client.get("/admin/api/agenda").body()).path("data");
            assertThat(api.path("time_zone").asText()).isEqualTo("Europe/Berlin");
            JsonNode js = find(api.path("schedules"), s.id());
            assertThat(js.path("text").asText()).isEqualTo(HOSTILE);
            assertThat(js.path("next_fire_shown").asText()).isEqualTo("Mon 7 Dec 2026 09:00 Europe/Berlin");
            assertThat(js.path("next_fire_at").asText()).isEqualTo("2026-12-07T08:00:00Z");
            assertThat(js.path("cron").asText()).isEqualTo("0 9 * * 1-5");
            assertThat(js.path("paused").asBoolean()).isFalse();
            assertThat(find(api.path("tasks"), t.id()).path("autonomous").asBoolean()).isTrue();
            assertThat(find(api.path("notes"), note).path("content").asText()).isEqualTo("note " + HOSTILE);

            assertThat(page(client, "/console")).as("the console links to the agenda").contains("<a href=\"/admin/agenda\">Agenda</a>");
        }
    }

    @Test
    void cancel_pause_and_resume_act_on_the_schedule_once_and_a_second_press_says_so() {
        Schedule s = reminder("stand-up", "0 9 * * *");
        Schedule other = reminder("to cancel", "30 9 * * *");
        try (ConsoleClient client = loggedIn()) {
            assertThat(pressAndRead(client, "/admin/agenda/schedules/" + s.id() + "/pause"))
                    .isEqualTo("Schedule #" + s.id() + " paused: it will not fire until resumed.");
            assertThat(scheduleStatus(s.id())).isEqualTo("paused");
            assertThat(row(page(client, "/admin/agenda"), "s" + s.id())).contains("data-state=\"paused\"").contains("paused (would fire")
                    .contains("/schedules/" + s.id() + "/resume").doesNotContain("/schedules/" + s.id() + "/pause");
            assertThat(pressAndRead(client, "/admin/agenda/schedules/" + s.id() + "/pause"))
                    .isEqualTo("Schedule #" + s.id() + " is already paused; nothing changed.");
            assertThat(pressAndRead(client, "/admin/agenda/schedules/" + s.id() + "/resume")).isEqualTo("Schedule #" + s.id() + " resumed.");
            assertThat(scheduleStatus(s.id())).isEqualTo("active");
            assertThat(pressAndRead(client, "/admin/agenda/schedules/" + s.id() + "/resume"))
                    .isEqualTo("Schedule #" + s.id() + " is already active; nothing changed.");

            assertThat(pressAndRead(client, "/admin/agenda/schedules/" + other.id() + "/cancel"))
                    .isEqualTo("Schedule #" + other.id() + " canceled.");
            assertThat(scheduleStatus(other.id())).isEqualTo("canceled");
            assertThat(pressAndRead(client, "/admin/agenda/schedules/" + other.id() + "/cancel"))
                    .isEqualTo("Schedule #" + other.id() + " is already canceled; nothing changed.");
            assertThat(page(client, "/admin/agenda")).as("a canceled schedule leaves the page").doesNotContain("id=\"s" + other.id() + "\"");
            assertThat(pressAndRead(client, "/admin/agenda/schedules/99999999/cancel")).isEqualTo("There is no schedule #99999999.");
        }
        assertThat(new ScheduleRepository(db.jdbi()).firings(other.id())).isEmpty();
    }

    @Test
    void done_and_drop_close_a_task_once_and_forget_deletes_a_note_once() throws Exception {
        Task done = agenda().tasks().add(Scope.master(), Tasks.NewTask.titled("renew the certificate"));
        Task dropped = agenda().tasks().add(Scope.master(), Tasks.NewTask.titled("learn the banjo"));
        NoteRepository notes = new NoteRepository(db.jdbi());
        long note = notes.add("the backup disk is /dev/sdb", OptionalLong.empty(), "reactive", NOW);
        try (ConsoleClient client = loggedIn()) {
            assertThat(pressAndRead(client, "/admin/agenda/tasks/" + done.id() + "/done")).isEqualTo("Task #" + done.id() + " marked done.");
            assertThat(taskStatus(done.id())).isEqualTo("done");
            assertThat(pressAndRead(client, "/admin/agenda/tasks/" + done.id() + "/done"))
                    .isEqualTo("Task #" + done.id() + " is already done; nothing changed.");
            assertThat(pressAndRead(client, "/admin/agenda/tasks/" + dropped.id() + "/drop")).isEqualTo("Task #" + dropped.id() + " dropped.");
            assertThat(taskStatus(dropped.id())).isEqualTo("dropped");
            String body = page(client, "/admin/agenda");
            assertThat(body).as("closed tasks leave the open list").doesNotContain("id=\"t" + done.id() + "\"")
                    .doesNotContain("id=\"t" + dropped.id() + "\"");

            assertThat(pressAndRead(client, "/admin/agenda/notes/" + note + "/forget")).isEqualTo("Note #" + note + " forgotten.");
            assertThat(notes.newest(500)).extracting(NoteRepository.Fact::id).doesNotContain(note);
            assertThat(pressAndRead(client, "/admin/agenda/notes/" + note + "/forget"))
                    .isEqualTo("Note #" + note + " is already forgotten (or never existed); nothing changed.");

            // The same buttons answer JSON when asked.
            Task third = agenda().tasks().add(Scope.master(), Tasks.NewTask.titled("by json"));
            HttpResponse<String> json = client.send(HttpRequest.newBuilder(app.uri("/admin/agenda/tasks/" + third.id() + "/done"))
                    .POST(HttpRequest.BodyPublishers.noBody()).header("X-CSRF-Token", client.csrf()).header("Accept", "application/json").build());
            assertThat(json.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(json.body()).path("state").asText()).isEqualTo("done");
            assertThat(taskStatus(third.id())).isEqualTo("done");
        }
    }

    @Test
    void the_outcome_line_takes_only_its_own_words_from_the_query() {
        try (ConsoleClient client = loggedIn()) {
            assertThat(page(client, "/admin/agenda?item=schedule&id=5&state=%3Cb%3Eyou+are+hacked&already=1")).doesNotContain("class=\"said\"")
                    .doesNotContain("hacked");
            assertThat(page(client, "/admin/agenda?item=%3Cscript%3E&id=5&state=canceled")).doesNotContain("class=\"said\"");
        }
    }

    @Test
    void empty_tables_say_how_to_add_items() {
        assertThat(emptyPage).contains("No schedules. Tell the agent in a chat, e.g. &quot;remind me tomorrow at 9")
                .contains("No open tasks. Add one in a chat with /tasks add TITLE").contains("No notes. Tell the agent &quot;remember");
        assertThat(emptyApi.path("schedules").isEmpty()).isTrue();
        assertThat(emptyApi.path("how_to_add").path("tasks").asText()).startsWith("No open tasks.");
        assertThat(emptyApi.path("how_to_add").path("schedules").asText()).contains("remind me tomorrow at 9");
        assertThat(emptyApi.path("how_to_add").path("notes").asText()).contains("remember");
    }

    private static String row(String body, String id) {
        int at = body.indexOf("<tr id=\"" + id + "\"");
        assertThat(at).as("row " + id).isPositive();
        return body.substring(at, body.indexOf("</tr>", at));
    }

    private static JsonNode find(JsonNode list, long id) {
        for (JsonNode n : list) {
            if (n.path("id").asLong() == id) {
                return n;
            }
        }
        throw new AssertionError("no item " + id + " in " + list);
    }
}
