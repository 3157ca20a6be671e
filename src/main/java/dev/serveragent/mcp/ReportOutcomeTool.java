package dev.serveragent.mcp;

import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.proactive.CycleOutcome.Notable;
import dev.serveragent.proactive.CycleReports;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code report_outcome}: how a proactive cycle records what it did, for its next cycle and the
 * Master, through a tool instead of a block at the end of its free text (docs/PROACTIVE.md). The
 * report is stored on the running cycle at once, so a run that then ends without a valid outcome
 * block, or is stopped at its token ceiling, still counts as reported. Proactive runs only.
 */
public final class ReportOutcomeTool implements AgentTool {
    private final CycleReports reports;

    public ReportOutcomeTool(CycleReports reports) {
        this.reports = reports;
    }

    @Override
    public String name() {
        return "report_outcome";
    }

    @Override
    public String description() {
        return "Record what this proactive cycle did, once, when your step is done: a summary for the cycle log, a note"
                + " to your next cycle (where to pick up), and optionally one result the Master should hear now with its"
                + " significance (0 trivial .. 1 must know at once). Tasks are kept with update_task/add_task, facts with"
                + " remember, risky ideas with propose. A second call replaces the first. Proactive runs only.";
    }

    @Override
    public String inputSchema() {
        return """
                {"type":"object","properties":{
                  "summary":{"type":"string","minLength":1,"maxLength":%d,"description":"one or two sentences: what this cycle did"},
                  "next_prompt_aroma":{"type":"string","maxLength":%d,"description":"a short note to your next cycle"},
                  "notable":{"type":"string","maxLength":%d,"description":"a result the Master may want to hear now"},
                  "significance":{"type":"number","minimum":0,"maximum":1,"description":"how much the Master must hear 'notable' (default 0.5)"}},
                 "required":["summary"],"additionalProperties":false}"""
                .formatted(CycleReports.MAX_SUMMARY, CycleReports.MAX_AROMA, CycleReports.MAX_NOTABLE);
    }

    @Override
    public Set<ClaudeRequest.Mode> modes() {
        return EnumSet.of(ClaudeRequest.Mode.PROACTIVE);
    }

    @Override
    public String call(RunGrant grant, ToolArgs args) {
        Optional<Double> significance = args.optionalDouble("significance");
        Optional<String> notable = args.optionalText("notable").filter(t -> !t.isBlank());
        if (significance.isPresent() && notable.isEmpty()) {
            throw new ToolException("'significance' is given without 'notable'");
        }
        long cycle = reports.report(new CycleReports.Report(args.text("summary"), args.optionalText("next_prompt_aroma")
                .filter(t -> !t.isBlank()), notable.map(t -> new Notable(t, significance.orElse(0.5)))));
        return "Recorded as the outcome of cycle " + cycle + ". You may end the run now; no outcome block is needed.";
    }
}
