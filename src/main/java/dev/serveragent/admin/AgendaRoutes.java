package dev.serveragent.admin;

import dev.serveragent.agenda.Agenda;
import dev.serveragent.agenda.AgendaException;
import dev.serveragent.agenda.Schedule;
import dev.serveragent.agenda.Scope;
import dev.serveragent.agenda.Task;
import dev.serveragent.agenda.Tasks;
import dev.serveragent.memory.Notes;
import dev.serveragent.store.NoteRepository;
import dev.serveragent.web.HttpRoutes;
import dev.serveragent.web.WebAccess;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The agenda page {@code /admin/agenda}, its JSON {@code /admin/api/agenda}, and its buttons:
 * cancel, pause and resume a schedule, mark a task done or drop it, forget a note. Each button is
 * a CSRF-checked POST that calls the same agenda services as the chat commands ({@code /schedules
 * cancel}, {@code /tasks done}, the {@code forget} tool): a schedule is acted on in its own chat's
 * reactive scope (the Master in person), a task in {@link Scope#master()}. A press is idempotent:
 * a second one changes nothing and says so. The answer is a redirect back to the page with the
 * outcome as a few fixed words in its query (never free text), or JSON when asked for.
 */
public final class AgendaRoutes implements HttpRoutes {
    static final int SCHEDULES = 200;
    static final int TASKS = 200;
    static final int NOTES = 200;
    private static final Set<String> STATES = Set.of("active", "paused", "done", "canceled", "dropped", "forgotten", "missing");
    private static final Set<String> ITEMS = Set.of("schedule", "task", "note");

    private final WebAccess access;
    private final Agenda agenda;
    private final Notes notes;
    private final Clock clock;

    public AgendaRoutes(WebAccess access, Agenda agenda, Notes notes, Clock clock) {
        this.access = access;
        this.agenda = agenda;
        this.notes = notes;
        this.clock = clock;
    }

    /** What a press did: the item, its state now, and whether it was already so (nothing changed). */
    record Outcome(String item, long id, String state, boolean already) {
        String words() {
            String name = Character.toUpperCase(item.charAt(0)) + item.substring(1) + " #" + id;
            if (state.equals("missing")) {
                return "There is no " + item + " #" + id + ".";
            }
            if (already) {
                return name + " is already " + state + (item.equals("note") ? " (or never existed)" : "") + "; nothing changed.";
            }
            return name + switch (state) {
                case "paused" -> " paused: it will not fire until resumed.";
                case "active" -> " resumed.";
                case "done" -> " marked done.";
                default -> " " + state + ".";
            };
        }

        Map<String, Object> json() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("item", item);
            out.put("id", id);
            out.put("state", state);
            out.put("already", already);
            out.put("said", words());
            return out;
        }
    }

    @Override
    public void addTo(JavalinDefaultRoutingApi r) {
        r.get("/admin/agenda", ctx -> {
            access.requirePage(ctx);
            ctx.header("Cache-Control", "no-store");
            String csrf = access.csrfToken(ctx);
            ctx.html(AdminPage.frame("Agenda", csrf, AgendaPage.html(view(said(ctx)), csrf)));
        });
        r.get("/admin/api/agenda", ctx -> {
            access.requireApi(ctx);
            ctx.header("Cache-Control", "no-store");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("at", clock.instant());
            out.put("data", json(view(Optional.empty())));
            ctx.json(out);
        });
        r.post("/admin/agenda/schedules/{id}/{action}", ctx -> {
            access.requireCsrf(ctx);
            String action = ctx.pathParam("action");
            if (!Set.of("cancel", "pause", "resume").contains(action)) {
                throw new NotFoundResponse("a schedule can be canceled, paused or resumed");
            }
            answer(ctx, schedule(id(ctx), action));
        });
        r.post("/admin/agenda/tasks/{id}/{action}", ctx -> {
            access.requireCsrf(ctx);
            String action = ctx.pathParam("action");
            if (!Set.of("done", "drop").contains(action)) {
                throw new NotFoundResponse("a task can be marked done or dropped here");
            }
            answer(ctx, task(id(ctx), action.equals("done") ? "done" : "dropped"));
        });
        r.post("/admin/agenda/notes/{id}/forget", ctx -> {
            access.requireCsrf(ctx);
            long id = id(ctx);
            answer(ctx, new Outcome("note", id, "forgotten", !notes.forget(id)));
        });
    }

    private Outcome schedule(long id, String action) {
        Optional<Schedule> found = agenda.schedules().find(id);
        if (found.isEmpty()) {
            return new Outcome("schedule", id, "missing", false);
        }
        // The same rules as /schedules in that chat: the Master acting in the schedule's own thread.
        Scope scope = Scope.reactive(found.get().threadId());
        try {
            Schedule s = switch (action) {
                case "cancel" -> agenda.schedules().cancel(scope, id);
                case "pause" -> agenda.schedules().pause(scope, id);
                default -> agenda.schedules().resume(scope, id);
            };
            return new Outcome("schedule", id, s.status(), false);
        } catch (AgendaException e) {
            if (e.reason() != AgendaException.Reason.NOT_FOUND) {
                throw new BadRequestResponse("Schedule #" + id + " not changed: " + e.getMessage());
            }
            String now = agenda.schedules().find(id).map(Schedule::status).orElse("missing");
            return new Outcome("schedule", id, now, !now.equals("missing"));
        }
    }

    private Outcome task(long id, String status) {
        Optional<Task> found = agenda.tasks().find(id);
        if (found.isEmpty()) {
            return new Outcome("task", id, "missing", false);
        }
        if (found.get().status().equals(status)) {
            return new Outcome("task", id, status, true);
        }
        try {
            return new Outcome("task", id, agenda.tasks().update(Scope.master(), id, Tasks.Change.status(status)).status(), false);
        } catch (AgendaException e) {
            if (e.reason() == AgendaException.Reason.NOT_FOUND) {
                return new Outcome("task", id, "missing", false);
            }
            throw new BadRequestResponse("Task #" + id + " not changed: " + e.getMessage());
        }
    }

    /** JSON when the caller asks for it; else back to the page, the outcome in fixed words of the query. */
    private static void answer(Context ctx, Outcome o) {
        String accept = Optional.ofNullable(ctx.header("Accept")).orElse("");
        if (accept.contains("application/json")) {
            ctx.status(o.state().equals("missing") ? HttpStatus.NOT_FOUND : HttpStatus.OK).json(o.json());
            return;
        }
        String anchor = switch (o.item()) {
            case "schedule" -> "#schedules";
            case "task" -> "#tasks";
            default -> "#notes";
        };
        ctx.redirect("/admin/agenda?item=" + o.item() + "&id=" + o.id() + "&state=" + o.state() + (o.already() ? "&already=1" : "")
                + anchor, HttpStatus.SEE_OTHER);
    }

    /** The outcome named by the query, when its words are the page's own (anything else is ignored). */
    static Optional<String> said(Context ctx) {
        String item = ctx.queryParam("item");
        String id = ctx.queryParam("id");
        String state = ctx.queryParam("state");
        if (item == null || id == null || state == null || !ITEMS.contains(item) || !STATES.contains(state) || !id.matches("\\d{1,18}")) {
            return Optional.empty();
        }
        return Optional.of(new Outcome(item, Long.parseLong(id), state, "1".equals(ctx.queryParam("already"))).words());
    }

    private AgendaPage.View view(Optional<String> said) {
        ZoneId zone = agenda.zone().current();
        List<Schedule> schedules = agenda.schedules().listAll(SCHEDULES + 1);
        List<Task> tasks = agenda.tasks().list(Scope.master(), new Tasks.Query(Optional.empty(), Optional.empty(), Optional.of(TASKS + 1)));
        List<NoteRepository.Fact> facts = notes.newest(NOTES + 1);
        return new AgendaPage.View(zone, agenda.zone().stored().isPresent(), first(schedules, SCHEDULES), schedules.size() > SCHEDULES,
                first(tasks, TASKS), tasks.size() > TASKS, first(facts, NOTES), facts.size() > NOTES, said, clock.instant());
    }

    private static <T> List<T> first(List<T> all, int n) {
        return all.size() > n ? all.subList(0, n) : all;
    }

    private static Map<String, Object> json(AgendaPage.View v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time_zone", v.zone().getId());
        out.put("schedules", v.schedules().stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("thread_id", s.threadId());
            m.put("kind", s.kind());
            m.put("text", s.text());
            m.put("at", s.at().map(Object::toString).orElse(null));
            m.put("cron", s.cron().orElse(null));
            m.put("rule_time_zone", s.zone().getId());
            m.put("status", s.status());
            m.put("paused", s.paused());
            m.put("next_fire_at", s.nextFireAt().map(Object::toString).orElse(null)); // ISO-8601, UTC
            m.put("next_fire_shown", s.nextFireAt().map(t -> Schedule.shown(t, v.zone())).orElse(null));
            m.put("fired_count", s.firedCount());
            return m;
        }).toList());
        out.put("tasks", v.tasks().stream().map(t -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("title", t.title());
            m.put("status", t.status());
            m.put("autonomous", t.autonomous());
            m.put("project", t.project().orElse(null));
            m.put("priority", t.priority());
            m.put("updated_at", t.updatedAt().toString());
            return m;
        }).toList());
        out.put("notes", v.notes().stream().map(n -> Map.of("id", n.id(), "content", n.content(), "created_at", n.createdAt().toString())).toList());
        Map<String, String> how = new LinkedHashMap<>();
        if (v.schedules().isEmpty()) {
            how.put("schedules", AgendaPage.SCHEDULES_EMPTY);
        }
        if (v.tasks().isEmpty()) {
            how.put("tasks", AgendaPage.TASKS_EMPTY);
        }
        if (v.notes().isEmpty()) {
            how.put("notes", AgendaPage.NOTES_EMPTY);
        }
        if (!how.isEmpty()) {
            out.put("how_to_add", how);
        }
        out.put("truncated", v.moreSchedules() || v.moreTasks() || v.moreNotes());
        return out;
    }

    private static long id(Context ctx) {
        String v = ctx.pathParam("id");
        if (!v.matches("\\d{1,18}")) {
            throw new NotFoundResponse("no such item: " + v.replaceAll("[^0-9A-Za-z]", "?"));
        }
        return Long.parseLong(v);
    }
}
