package dev.serveragent.mcp;

import dev.serveragent.agenda.Schedule;
import dev.serveragent.agenda.Schedules;
import dev.serveragent.claude.ClaudeRequest;
import java.util.Set;

/** {@code cancel_schedule}: cancels an active schedule of the run's conversation. Only the Master's runs. */
public final class CancelScheduleTool implements AgentTool {
    private final Schedules schedules;

    /** @param schedules the agenda's schedules service */
    public CancelScheduleTool(Schedules schedules) {
        this.schedules = schedules;
    }

    @Override
    public String name() {
        return "cancel_schedule";
    }

    @Override
    public String description() {
        return "Cancel an active schedule of this chat by its id (from list_schedules or schedule); it will not fire again.";
    }

    @Override
    public String inputSchema() {
        return """
                {"type":"object","properties":{"schedule_id":{"type":"integer","description":"the schedule's id"}},
                 "required":["schedule_id"],"additionalProperties":false}""";
    }

    @Override
    public Set<ClaudeRequest.Mode> modes() {
        return AgendaTools.REACTIVE;
    }

    @Override
    public String call(RunGrant grant, ToolArgs args) {
        long id = args.longValue("schedule_id");
        Schedule s = AgendaTools.run(() -> schedules.cancel(AgendaTools.threadScope(grant, name()), id));
        return "Canceled schedule #" + s.id() + " (" + s.kind() + ": " + Format.oneLine(s.text(), 120) + ").";
    }
}
