package dev.serveragent.mcp;

import dev.serveragent.agenda.Schedule;
import dev.serveragent.agenda.Schedules;
import dev.serveragent.claude.ClaudeRequest;
import java.util.Set;

/**
 * {@code schedule}: a reminder or a task at a time ({@code at}) or recurring ({@code cron}), in the
 * run's own conversation. Only the Master's runs: a proactive run may only notify and propose.
 */
public final class ScheduleTool implements AgentTool {
    private final Schedules schedules;

    /** @param schedules the agenda's schedules service */
    public ScheduleTool(Schedules schedules) {
        this.schedules = schedules;
    }

    @Override
    public String name() {
        return "schedule";
    }

    @Override
    public String description() {
        return "Schedule something in this chat, once ('at') or recurring ('cron', 5-field Unix cron, at most every "
                + Schedules.MIN_INTERVAL.toMinutes() + " minutes). Kind 'reminder' sends the text as it is at the time (no"
                + " model); kind 'task' runs the text as a prompt by Claude Code at the time in this chat and sends the"
                + " result. Times are read in time_zone (default: the Master's). Returns the schedule's id and its first"
                + " firing in words: tell the Master what and when.";
    }

    @Override
    public String inputSchema() {
        return """
                {"type":"object","properties":{
                  "kind":{"type":"string","enum":["reminder","task"]},
                  "text":{"type":"string","maxLength":%d,"description":"the reminder's words, or the task's prompt"},
                  "at":{"type":"string","description":"once: ISO-8601 date-time, 2026-12-07T09:00 (in time_zone) or 2026-12-07T09:00:00+01:00"},
                  "cron":{"type":"string","description":"recurring: minute hour day-of-month month day-of-week, e.g. 0 8 * * 1-5"},
                  "time_zone":{"type":"string","description":"IANA zone such as Europe/Berlin; default the Master's"},
                  "token_ceiling":{"type":"integer","description":"kind task only: its own token ceiling"}},
                 "required":["kind","text"],"additionalProperties":false}""".formatted(Schedules.MAX_TEXT);
    }

    @Override
    public Set<ClaudeRequest.Mode> modes() {
        return AgendaTools.REACTIVE;
    }

    @Override
    public String call(RunGrant grant, ToolArgs args) {
        var ceiling = args.optionalLong("token_ceiling");
        Schedules.Request r = new Schedules.Request(args.text("kind"), args.text("text"), args.optionalText("at"),
                args.optionalText("cron"), args.optionalText("time_zone"),
                ceiling.isPresent() ? java.util.Optional.of(ceiling.getAsLong()) : java.util.Optional.empty());
        Schedule s = AgendaTools.run(() -> schedules.schedule(AgendaTools.threadScope(grant, name()), r));
        return "Scheduled #" + s.id() + " " + s.kind() + ", " + s.when() + ".";
    }
}
