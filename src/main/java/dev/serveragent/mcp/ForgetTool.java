package dev.serveragent.mcp;

import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.memory.Notes;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code forget}: deletes a note by its id. Only runs for the Master (question, command): a
 * proactive run may add notes but not remove what the Master had kept.
 */
public final class ForgetTool implements AgentTool {
    private final Notes notes;

    public ForgetTool(Notes notes) {
        this.notes = notes;
    }

    @Override
    public String name() {
        return "forget";
    }

    @Override
    public String description() {
        return "Delete a note made with remember, by its id (shown as [id] under \"What I know\", or found with"
                + " search_memory), when the Master asks or the fact is no longer true.";
    }

    @Override
    public String inputSchema() {
        return """
                {"type":"object","properties":{"note_id":{"type":"integer","description":"the note's id"}},
                 "required":["note_id"],"additionalProperties":false}""";
    }

    @Override
    public Set<ClaudeRequest.Mode> modes() {
        return EnumSet.of(ClaudeRequest.Mode.QUESTION, ClaudeRequest.Mode.COMMAND);
    }

    @Override
    public String call(RunGrant grant, ToolArgs args) {
        long id = args.longValue("note_id");
        // A run in a group forgets only that group's notes: it cannot see the others (Notes.section).
        if (!notes.forget(id, grant.threadId())) {
            throw new ToolException("there is no note " + id + " here (already forgotten, not a note made with remember,"
                    + " or kept in another chat)");
        }
        return "Forgot note " + id + ".";
    }
}
