package dev.serveragent.mcp;

import dev.serveragent.agenda.Task;
import dev.serveragent.agenda.Tasks;
import dev.serveragent.claude.ClaudeRequest;
import java.util.Set;

/** {@code update_task}: changes the given fields of a task; the others stay as they are (docs/AGENDA.md). */
public final class UpdateTaskTool implements AgentTool {
    private final Tasks tasks;

    /** @param tasks the agenda's tasks service */
    public UpdateTaskTool(Tasks tasks) {
        this.tasks = tasks;
    }

    @Override
    public String name() {
        return "update_task";
    }

    @Override
    public String description() {
        return "Change a task of the Master's list by its id (from list_tasks or add_task): its status (e.g. done),"
                + " title, description, project, priority, notes or autonomous mark. Fields not given stay as they are.";
    }

    @Override
    public String inputSchema() {
        return """
                {"type":"object","properties":{
                  "task_id":{"type":"integer","description":"the task's id"},
                  "title":{"type":"string","maxLength":%d},
                  %s},
                 "required":["task_id"],"additionalProperties":false}""".formatted(Tasks.MAX_TITLE, AddTaskTool.FIELDS);
    }

    @Override
    public Set<ClaudeRequest.Mode> modes() {
        return AgendaTools.ALL;
    }

    @Override
    public String call(RunGrant grant, ToolArgs args) {
        long id = args.longValue("task_id");
        Tasks.Change c = new Tasks.Change(args.optionalText("title"), args.optionalText("description"), args.optionalText("project"),
                args.optionalText("status"), args.optionalInt("priority"), args.optionalText("notes"),
                args.optionalBoolean("autonomous"));
        Task updated = AgendaTools.run(() -> tasks.update(AgendaTools.taskScope(grant), id, c));
        return "Updated task " + updated.line();
    }
}
