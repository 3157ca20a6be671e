package dev.serveragent.mcp;

import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.memory.Notes;
import java.util.EnumSet;
import java.util.Set;

/** {@code remember}: a durable note about the Master and their world, shown to every later run under "What I know". */
public final class RememberTool implements AgentTool {
    private final Notes notes;

    public RememberTool(Notes notes) {
        this.notes = notes;
    }

    @Override
    public String name() {
        return "remember";
    }

    @Override
    public String description() {
        return "Keep a durable note about the Master and their world (a fact, a preference, where something is), for"
                + " every later run: notes appear under \"What I know\" in your prompt. One fact per note, at most "
                + Notes.MAX_NOTE_CHARS + " characters. Returns the note's id (for forget).";
    }

    @Override
    public String inputSchema() {
        return """
                {"type":"object","properties":{
                  "text":{"type":"string","maxLength":%d,"description":"the fact, in words that stand on their own"}},
                 "required":["text"],"additionalProperties":false}""".formatted(Notes.MAX_NOTE_CHARS);
    }

    @Override
    public Set<ClaudeRequest.Mode> modes() {
        return EnumSet.of(ClaudeRequest.Mode.QUESTION, ClaudeRequest.Mode.COMMAND, ClaudeRequest.Mode.PROACTIVE);
    }

    @Override
    public String call(RunGrant grant, ToolArgs args) {
        long id = notes.remember(args.text("text"), grant.threadId(), grant.modeName());
        return "Remembered as note " + id + ".";
    }
}
