package dev.serveragent.store;

import java.time.Instant;
import java.util.List;

/**
 * What the governor decides on, read in one consistent moment.
 *
 * @param now the decision time
 * @param spentToday proactive tokens in the ledger since the last UTC midnight (reactive rows never count)
 * @param reserved token ceilings of proactive runs still in flight (their usage is not in the ledger yet)
 * @param recent the latest finished cycles, newest first, at most the pace window
 */
public record BudgetSnapshot(Instant now, long spentToday, long reserved, List<CycleSample> recent) {
    public BudgetSnapshot {
        recent = List.copyOf(recent);
    }

    /** What today's budget can still pay for, never negative. */
    public long remaining(long dailyBudget) {
        return Math.max(0, dailyBudget - spentToday - reserved);
    }
}
