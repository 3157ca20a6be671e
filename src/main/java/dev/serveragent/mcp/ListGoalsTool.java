package dev.serveragent.mcp;

import dev.serveragent.agenda.Goals;
import dev.serveragent.claude.ClaudeRequest;
import java.util.List;
import java.util.Set;

/** {@code list_goals}: the Master's standing goals, which the proactive loop works toward (docs/AGENDA.md). */
public final class ListGoalsTool implements AgentTool {
    private final Goals goals;

    /** @param goals the agenda's standing goals */
    public ListGoalsTool(Goals goals) {
        this.goals = goals;
    }

    @Override
    public String name() {
        return "list_goals";
    }

    @Override
    public String description() {
        return "List the Master's standing goals: lasting aims the proactive loop works toward while it has no autonomous"
                + " task. The Master sets them with /goals add TEXT and drops them with /goals drop ID.";
    }

    @Override
    public String inputSchema() {
        return """
                {"type":"object","properties":{},"additionalProperties":false}""";
    }

    @Override
    public Set<ClaudeRequest.Mode> modes() {
        return AgendaTools.ALL;
    }

    @Override
    public String call(RunGrant grant, ToolArgs args) {
        if (!goals.visibleIn(AgendaTools.taskScope(grant))) {
            return "None shown: " + Goals.GROUP + ".";
        }
        List<Goals.Goal> all = goals.list();
        if (all.isEmpty()) {
            return "No standing goals. The Master sets one with /goals add TEXT.";
        }
        StringBuilder out = new StringBuilder(all.size() + (all.size() == 1 ? " goal" : " goals")
                + ". Their text is the Master's, stored as data.\n");
        all.forEach(g -> out.append("- ").append(g.line()).append('\n'));
        return out.toString().stripTrailing();
    }
}
