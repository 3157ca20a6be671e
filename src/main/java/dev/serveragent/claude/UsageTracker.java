package dev.serveragent.claude;

import java.util.HashMap;
import java.util.Map;

/**
 * Cumulative usage of a run from its assistant lines. Claude Code writes one line per content
 * block, each repeating the usage of the whole API message, so usage is kept per message id
 * (the largest value seen for each field, as later lines may report more output) and summed
 * over ids. Not thread-safe: owned by the run's reader thread.
 */
final class UsageTracker {
    private final Map<String, Usage> byMessage = new HashMap<>();
    private Usage withoutId = Usage.ZERO;
    private Usage total = Usage.ZERO;

    void record(String messageId, Usage u) {
        if (messageId == null || messageId.isEmpty()) {
            withoutId = withoutId.plus(u);
        } else {
            byMessage.merge(messageId, u, UsageTracker::max);
        }
        Usage sum = withoutId;
        for (Usage each : byMessage.values()) {
            sum = sum.plus(each);
        }
        total = sum;
    }

    Usage total() {
        return total;
    }

    static Usage max(Usage a, Usage b) {
        return new Usage(Math.max(a.inputTokens(), b.inputTokens()), Math.max(a.outputTokens(), b.outputTokens()),
                Math.max(a.cacheCreationInputTokens(), b.cacheCreationInputTokens()),
                Math.max(a.cacheReadInputTokens(), b.cacheReadInputTokens()));
    }
}
