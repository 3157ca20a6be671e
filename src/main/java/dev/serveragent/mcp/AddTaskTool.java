package dev.serveragent.mcp;

import dev.serveragent.agenda.Task;
import dev.serveragent.agenda.Tasks;
import dev.serveragent.claude.ClaudeRequest;
import java.util.Set;

/** {@code add_task}: a task on the Master's list. Only the Master's runs mark it autonomous (docs/AGENDA.md). */
public final class AddTaskTool implements AgentTool {
    static final String FIELDS = """
            "description":{"type":"string","maxLength":%1$d,"description":"what is to be done, in more words"},
              "project":{"type":"string","maxLength":%2$d,"description":"the project it belongs to"},
              "status":{"type":"string","enum":["todo","in_progress","blocked","done","dropped"]},
              "priority":{"type":"integer","minimum":-%3$d,"maximum":%3$d,"description":"higher first; default 0"},
              "notes":{"type":"string","maxLength":%1$d,"description":"progress notes"},
              "autonomous":{"type":"boolean","description":"the Master lets the proactive loop work on it alone (a proactive run cannot set this)"}"""
            .formatted(Tasks.MAX_TEXT, Tasks.MAX_PROJECT, Tasks.MAX_PRIORITY);

    private final Tasks tasks;

    /** @param tasks the agenda's tasks service */
    public AddTaskTool(Tasks tasks) {
        this.tasks = tasks;
    }

    @Override
    public String name() {
        return "add_task";
    }

    @Override
    public String description() {
        return "Add a task to the Master's task list (the one the proactive loop and the dashboard see). Returns the"
                + " task with its id, for update_task.";
    }

    @Override
    public String inputSchema() {
        return """
                {"type":"object","properties":{
                  "title":{"type":"string","maxLength":%d,"description":"the task, in a few words"},
                  %s},
                 "required":["title"],"additionalProperties":false}""".formatted(Tasks.MAX_TITLE, FIELDS);
    }

    @Override
    public Set<ClaudeRequest.Mode> modes() {
        return AgendaTools.ALL;
    }

    @Override
    public String call(RunGrant grant, ToolArgs args) {
        Tasks.NewTask t = new Tasks.NewTask(args.text("title"), args.optionalText("description"), args.optionalText("project"),
                args.optionalText("status"), args.optionalInt("priority"), args.optionalText("notes"),
                args.optionalBoolean("autonomous"));
        Task added = AgendaTools.run(() -> tasks.add(AgendaTools.taskScope(grant), t));
        return "Added task " + added.line();
    }
}
