package dev.serveragent.claude;

/**
 * Tokens spent. {@link #promptTokens()} counts every prompt token the model processed
 * (uncached + cache creation + cache read), as the ledger's {@code tokens_input} does.
 */
public record Usage(long inputTokens, long outputTokens, long cacheCreationInputTokens, long cacheReadInputTokens) {
    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    public long promptTokens() {
        return inputTokens + cacheCreationInputTokens + cacheReadInputTokens;
    }

    public long totalTokens() {
        return promptTokens() + outputTokens;
    }

    public Usage plus(Usage o) {
        return new Usage(inputTokens + o.inputTokens, outputTokens + o.outputTokens,
                cacheCreationInputTokens + o.cacheCreationInputTokens, cacheReadInputTokens + o.cacheReadInputTokens);
    }
}
