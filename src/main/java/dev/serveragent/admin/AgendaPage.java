package dev.serveragent.admin;

import static dev.serveragent.admin.AdminPage.esc;
import static dev.serveragent.admin.AdminPage.snippet;
import static dev.serveragent.admin.AdminPage.status;
import static dev.serveragent.admin.AdminPage.time;

import dev.serveragent.agenda.Schedule;
import dev.serveragent.agenda.Task;
import dev.serveragent.store.NoteRepository;
import dev.serveragent.web.WebAccess;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * The agenda page: the Master's schedules (with their next firing in the Master's zone), open
 * tasks and notes, each row with its buttons (plain forms carrying the CSRF token: no script).
 */
final class AgendaPage {
    static final String SCHEDULES_EMPTY = "No schedules. Tell the agent in a chat, e.g. \"remind me tomorrow at 9 to call the bank\""
            + " or \"every weekday at 8 check the backups and tell me\"; /schedules lists a chat's own.";
    static final String TASKS_EMPTY = "No open tasks. Add one in a chat with /tasks add TITLE, or ask the agent in plain words"
            + " (\"add a task: renew the TLS certificate\"); /tasks auto ID lets the proactive loop work on one alone.";
    static final String NOTES_EMPTY = "No notes. Tell the agent \"remember that the backup disk is /dev/sdb\": it keeps such facts"
            + " and sees them in every run (\"forget note 3\" or the Forget button removes one).";

    /** What the page shows. {@code said} is the outcome of the last button, if the page follows one. */
    record View(ZoneId zone, boolean zoneStored, List<Schedule> schedules, boolean moreSchedules, List<Task> tasks, boolean moreTasks,
            List<NoteRepository.Fact> notes, boolean moreNotes, Optional<String> said, Instant now) {}

    private AgendaPage() {}

    static String html(View v, String csrf) {
        StringBuilder b = new StringBuilder();
        v.said().ifPresent(s -> b.append("<p class=\"said\" id=\"said\" role=\"status\">").append(esc(s)).append("</p>"));
        b.append("<p>Times are in the Master's time zone: <strong id=\"zone\">").append(esc(v.zone().getId())).append("</strong>")
                .append(v.zoneStored() ? " (set with /tz in a chat)" : " (MASTER_TZ; /tz ZONE in a chat changes it)").append(".</p>");

        b.append("<h3>Schedules</h3><table class=\"list\" id=\"schedules\"><tr><th>schedule</th><th>kind</th><th>text</th><th>rule</th>")
                .append("<th>next firing</th><th>state</th><th>thread</th><th>fired</th><th></th></tr>");
        empty(b, v.schedules().isEmpty(), 9, SCHEDULES_EMPTY);
        for (Schedule s : v.schedules()) {
            b.append("<tr id=\"s").append(s.id()).append("\" data-state=\"").append(esc(s.status())).append("\"><td>#").append(s.id())
                    .append("</td><td>").append(esc(s.kind())).append("</td><td>").append(snippet(s.text(), 300)).append("</td><td>")
                    .append(rule(s)).append("</td><td class=\"next\">").append(next(s, v.zone(), v.now())).append("</td><td>")
                    .append(status(s.status())).append("</td><td><a href=\"/admin/conversations/").append(s.threadId()).append("\">#")
                    .append(s.threadId()).append("</a></td><td class=\"num\">").append(s.firedCount()).append("</td><td class=\"actions\">")
                    .append(s.paused() ? button(csrf, "/admin/agenda/schedules/" + s.id() + "/resume", "Resume", "Fire it again from now on")
                            : button(csrf, "/admin/agenda/schedules/" + s.id() + "/pause", "Pause", "Keep it, but do not fire it until resumed"))
                    .append(button(csrf, "/admin/agenda/schedules/" + s.id() + "/cancel", "Cancel", "End it for good"))
                    .append("</td></tr>");
        }
        b.append("</table>").append(more(v.moreSchedules(), v.schedules().size(), "schedules"));

        b.append("<h3>Open tasks</h3><table class=\"list\" id=\"tasks\"><tr><th>task</th><th>title</th><th>state</th><th>works</th>")
                .append("<th>project</th><th class=\"num\">priority</th><th>updated (UTC)</th><th></th></tr>");
        empty(b, v.tasks().isEmpty(), 8, TASKS_EMPTY);
        for (Task t : v.tasks()) {
            b.append("<tr id=\"t").append(t.id()).append("\" data-state=\"").append(esc(t.status())).append("\"><td>#").append(t.id())
                    .append("</td><td>").append(esc(t.title()))
                    .append(t.description().map(d -> "<br><small>" + snippet(d, 300) + "</small>").orElse("")).append("</td><td>")
                    .append(status(t.status())).append("</td><td>")
                    .append(t.autonomous() ? "<span class=\"status s-autonomous\" title=\"the proactive loop works on it alone\">autonomous</span>"
                            : "<span title=\"only when the Master asks\">manual</span>")
                    .append("</td><td>").append(esc(t.project().orElse(""))).append("</td><td class=\"num\">").append(t.priority())
                    .append("</td><td>").append(time(t.updatedAt())).append("</td><td class=\"actions\">")
                    .append(button(csrf, "/admin/agenda/tasks/" + t.id() + "/done", "Done", "Mark it done"))
                    .append(button(csrf, "/admin/agenda/tasks/" + t.id() + "/drop", "Drop", "Drop it: it will not be worked on"))
                    .append("</td></tr>");
        }
        b.append("</table>").append(more(v.moreTasks(), v.tasks().size(), "open tasks"));

        b.append("<h3>Notes</h3><table class=\"list\" id=\"notes\"><tr><th>note</th><th>text</th><th>saved (UTC)</th><th></th></tr>");
        empty(b, v.notes().isEmpty(), 4, NOTES_EMPTY);
        for (NoteRepository.Fact n : v.notes()) {
            b.append("<tr id=\"n").append(n.id()).append("\"><td>#").append(n.id()).append("</td><td>").append(esc(n.content()))
                    .append("</td><td>").append(time(n.createdAt())).append("</td><td class=\"actions\">")
                    .append(button(csrf, "/admin/agenda/notes/" + n.id() + "/forget", "Forget", "Delete it: no run sees it again"))
                    .append("</td></tr>");
        }
        b.append("</table>").append(more(v.moreNotes(), v.notes().size(), "newest notes"));
        b.append("<p class=\"hint\">The buttons act at once and only once: a second press says it was already done. The same is done"
                + " in a chat with /schedules cancel|pause|resume ID, /tasks done|drop ID, or by asking the agent to forget a note."
                + " As JSON: <a href=\"/admin/api/agenda\">/admin/api/agenda</a>.</p>");
        return b.toString();
    }

    /** "once" or the cron expression with the zone it is read in. */
    private static String rule(Schedule s) {
        return s.cron().map(c -> "cron <code>" + esc(c) + "</code> in " + esc(s.zone().getId())).orElse("once");
    }

    /** The next firing in the Master's zone; a paused schedule's is what it would be. */
    private static String next(Schedule s, ZoneId zone, Instant now) {
        if (s.nextFireAt().isEmpty()) {
            return "none";
        }
        Instant t = s.nextFireAt().get();
        String shown = "<time datetime=\"" + t + "\">" + esc(Schedule.shown(t, zone)) + "</time>";
        if (!s.paused()) {
            return shown;
        }
        if (!t.isAfter(now)) {
            return s.cron().isPresent() ? "paused (was due " + shown + "; resumed, it fires at its next time)"
                    : "paused (was due " + shown + "; resumed, it fires at once)";
        }
        return "paused (would fire " + shown + ")";
    }

    private static String button(String csrf, String action, String label, String title) {
        return "<form class=\"inline\" method=\"post\" action=\"" + action + "\"><input type=\"hidden\" name=\"" + WebAccess.CSRF_FIELD
                + "\" value=\"" + esc(csrf) + "\"><button type=\"submit\" title=\"" + esc(title) + "\">" + label + "</button></form> ";
    }

    private static void empty(StringBuilder b, boolean empty, int columns, String what) {
        if (empty) {
            b.append("<tr class=\"empty\"><td colspan=\"").append(columns).append("\">").append(esc(what)).append("</td></tr>");
        }
    }

    private static String more(boolean more, int shown, String what) {
        return more ? "<p class=\"hint\">Only the first " + shown + " " + what + " are shown.</p>" : "";
    }
}
