package dev.serveragent.mcp;

import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.proactive.ProposalSink;
import java.util.EnumSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code propose}: a risky idea of the proactive loop put to the Master as a message with OK; OK
 * runs the plan as a command in the Master's thread. It goes through the same {@link ProposalSink}
 * as the proposals of the loop's outcome block (the approval path: a parked job, a pending approval
 * and the OK message, in one transaction). Proactive runs only: a reactive run has the Master right
 * there and asks in its answer.
 */
public final class ProposeTool implements AgentTool {
    /** Bounded so that the whole proposal fits the one OK message (1,000 characters): the Master sees all that OK runs. */
    static final int MAX_SUMMARY = 400;
    static final int MAX_PLAN = 500;

    private final ProposalSink sink;

    /** @param sink the proactive loop's proposal sink */
    public ProposeTool(ProposalSink sink) {
        this.sink = java.util.Objects.requireNonNull(sink);
    }

    @Override
    public String name() {
        return "propose";
    }

    @Override
    public String description() {
        return "Put a risky action to the Master instead of doing it (messaging others, spending money, changing code,"
                + " configuration or infrastructure, deleting anything): they get a message with your summary, the plan"
                + " and an OK button; OK runs the plan as a command in their chat. Proactive runs only (a question or"
                + " command run has the Master right there and asks in its answer). Returns the approval's id.";
    }

    @Override
    public String inputSchema() {
        return """
                {"type":"object","properties":{
                  "summary":{"type":"string","minLength":1,"maxLength":%d,"description":"what you propose and why, for the Master"},
                  "plan":{"type":"string","minLength":1,"maxLength":%d,"description":"the command to run when the Master presses OK, as they would type it"}},
                 "required":["summary","plan"],"additionalProperties":false}""".formatted(MAX_SUMMARY, MAX_PLAN);
    }

    @Override
    public Set<ClaudeRequest.Mode> modes() {
        return EnumSet.of(ClaudeRequest.Mode.PROACTIVE);
    }

    @Override
    public String call(RunGrant grant, ToolArgs args) {
        String summary = bounded(args, "summary", MAX_SUMMARY);
        String plan = bounded(args, "plan", MAX_PLAN);
        ProposalSink proposals = sink;
        OptionalLong approval;
        try {
            approval = proposals.submit(plan, summary);
        } catch (ProposalSink.Unreachable e) {
            throw new ToolException(e.getMessage() + "; nothing was sent");
        }
        return approval.isPresent()
                ? "Proposed as approval #" + approval.getAsLong() + ": the Master has it with an OK button; OK runs the plan as a"
                        + " command in their chat. Do not do it yourself."
                : "Proposed: the Master was told (no OK button here; they reply if they want it). Do not do it yourself.";
    }

    private static String bounded(ToolArgs args, String name, int max) {
        String v = args.text(name).strip();
        if (v.isEmpty()) {
            throw new ToolException("'" + name + "' is empty");
        }
        if (v.length() > max) {
            throw new ToolException("'" + name + "' has " + v.length() + " characters; at most " + max
                    + " (the Master must see all of it in one message)");
        }
        return v;
    }
}
