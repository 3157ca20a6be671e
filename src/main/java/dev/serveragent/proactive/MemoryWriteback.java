package dev.serveragent.proactive;

import dev.serveragent.claude.ClaudeResult;
import dev.serveragent.proactive.CycleOutcome.Notable;
import dev.serveragent.proactive.CycleOutcome.Parsed;
import dev.serveragent.proactive.CycleOutcome.Proposal;
import dev.serveragent.store.MemoryRepository;
import dev.serveragent.store.MemoryRepository.NewNote;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a cycle: its outcome block becomes project and task rows, a {@code cycle_summary}
 * and an {@code aroma} note for the next cycle; notable results go to the Master, risky actions
 * to the {@link ProposalSink}. A malformed block or a failed run is recorded as a summary note
 * (so the next cycle knows) and never throws. Thread-safe.
 */
public final class MemoryWriteback {
    private static final Logger log = LoggerFactory.getLogger(MemoryWriteback.class);

    private final MemoryRepository memory;
    private final MasterChannel master;
    private final ProposalSink proposals;
    private final double notableThreshold;
    private final OutcomeParser parser = new OutcomeParser();

    public MemoryWriteback(MemoryRepository memory, MasterChannel master, ProposalSink proposals, double notableThreshold) {
        this.memory = memory;
        this.master = master;
        this.proposals = proposals;
        this.notableThreshold = notableThreshold;
    }

    /** What was written back; {@code outcome} is ok|malformed|none, as in {@code proactive_cycles}. */
    public record Result(String outcome, Optional<String> error, Optional<String> summary, int notified, int proposed) {}

    public Result apply(long cycleId, ClaudeResult result, Instant at) {
        return apply(cycleId, result, at, Optional.empty());
    }

    /**
     * Writes the cycle back. {@code reported} is what the run recorded through {@code report_outcome}
     * ({@link CycleReports}): with it the cycle is written back (outcome {@code ok}) even when the
     * final text has no valid block or the run was stopped; a valid block adds its projects, tasks
     * and proposals, and its summary and note only where the report has none.
     */
    public Result apply(long cycleId, ClaudeResult result, Instant at, Optional<CycleReports.Report> reported) {
        Map<String, Object> meta = Map.of("cycle_id", cycleId);
        if (result instanceof ClaudeResult.Failed f) {
            String words = "Cycle " + cycleId + " was stopped (" + f.kind().name().toLowerCase(java.util.Locale.ROOT) + "): "
                    + f.message() + (f.kind() == ClaudeResult.Kind.CEILING ? " Take a smaller step next time." : "");
            if (reported.isPresent()) {
                CycleReports.Report r = reported.get();
                String summary = r.summary() + " (" + words + ")";
                write(meta, summary, r.nextPromptAroma(), List.of(), List.of(), at);
                return new Result("ok", Optional.empty(), Optional.of(summary), notify(r.notable().stream().toList()), 0);
            }
            memory.addNote(new NewNote("cycle_summary", words, meta), at);
            return new Result("none", Optional.empty(), Optional.of(words), 0, 0);
        }
        ClaudeResult.Completed done = (ClaudeResult.Completed) result;
        Parsed parsed = parser.parse(done.text());
        if (parsed instanceof Parsed.Malformed m && reported.isPresent()) {
            // The block is only a fallback now: the run reported through the tool, and its tool calls are written already.
            CycleReports.Report r = reported.get();
            write(meta, r.summary(), r.nextPromptAroma(), List.of(), List.of(), at);
            return new Result("ok", Optional.empty(), Optional.of(r.summary()), notify(r.notable().stream().toList()), 0);
        }
        if (parsed instanceof Parsed.Malformed m) {
            log.warn("Proactive cycle {} ended without report_outcome and with a malformed outcome block: {}", cycleId, m.reason());
            String words = "Cycle " + cycleId + " ended without calling report_outcome and without a valid ```json outcome block ("
                    + m.reason() + "); its summary was lost. Call report_outcome when your step is done.";
            memory.addNote(new NewNote("cycle_summary", words, Map.of("cycle_id", cycleId, "malformed", true)), at);
            return new Result("malformed", Optional.of(m.reason()), Optional.empty(), 0, 0);
        }
        CycleOutcome o = ((Parsed.Ok) parsed).outcome();
        String summary = reported.map(CycleReports.Report::summary).orElse(o.summary());
        Optional<String> aroma = reported.flatMap(CycleReports.Report::nextPromptAroma).or(o::nextPromptAroma);
        write(meta, summary, aroma, o.projects(), o.tasks(), at);
        List<Notable> notable = new ArrayList<>(o.notable());
        reported.flatMap(CycleReports.Report::notable).ifPresent(notable::add);
        int notified = notify(notable);
        int proposed = 0;
        for (Proposal p : o.proposals()) {
            if (deliver(() -> {
                proposals.propose(p.plan(), p.reason());
                return true;
            })) {
                proposed++;
            }
        }
        return new Result("ok", Optional.empty(), Optional.of(summary), notified, proposed);
    }

    private void write(Map<String, Object> meta, String summary, Optional<String> aroma, List<MemoryRepository.ProjectUpsert> projects,
            List<MemoryRepository.TaskUpsert> tasks, Instant at) {
        List<NewNote> notes = new ArrayList<>();
        notes.add(new NewNote("cycle_summary", summary, meta));
        aroma.ifPresent(a -> notes.add(new NewNote("aroma", a, meta)));
        memory.writeBack(new MemoryRepository.Writeback(projects, tasks, notes), at);
    }

    private int notify(List<Notable> notable) {
        int notified = 0;
        for (Notable n : notable) {
            if (n.significance() > notableThreshold && deliver(() -> master.sendMarkdown("Proactive: " + n.text()))) {
                notified++;
            }
        }
        return notified;
    }

    private static boolean deliver(java.util.function.BooleanSupplier send) {
        try {
            return send.getAsBoolean();
        } catch (RuntimeException e) {
            // The memory is written already; a lost notification must not undo it or stop the loop.
            log.warn("Proactive notification to the Master failed: {}", e.toString());
            return false;
        }
    }
}
