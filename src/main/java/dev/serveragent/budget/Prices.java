package dev.serveragent.budget;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * US dollars per million tokens of the Anthropic models the agent calls through the API
 * ({@code provider='anthropic_api'} in the ledger). Claude Code runs report their own
 * {@code total_cost_usd}, which the ledger keeps as {@code meta_json.cost_usd}; those never go
 * through this table. Prices are the list prices published by Anthropic (2026); a model not
 * listed here has no price and is shown as "unpriced" rather than guessed.
 */
public final class Prices {
    /** One model family's list prices, matched by model-name prefix (most specific first). */
    public record Price(String prefix, double input, double cacheWrite, double cacheRead, double output) {
        /** Dollars for a call's token breakdown ({@code input} is the uncached part). */
        public double cost(long input, long cacheCreation, long cacheRead, long output) {
            return (input * this.input + cacheCreation * cacheWrite + cacheRead * this.cacheRead + output * this.output) / 1e6;
        }
    }

    static final List<Price> TABLE = List.of(
            new Price("claude-haiku-4", 1.00, 1.25, 0.10, 5.00),
            new Price("claude-3-5-haiku", 0.80, 1.00, 0.08, 4.00),
            new Price("claude-3-haiku", 0.25, 0.30, 0.03, 1.25),
            new Price("claude-sonnet-4", 3.00, 3.75, 0.30, 15.00),
            new Price("claude-3-7-sonnet", 3.00, 3.75, 0.30, 15.00),
            new Price("claude-opus-4-5", 5.00, 6.25, 0.50, 25.00),
            new Price("claude-opus-4-6", 5.00, 6.25, 0.50, 25.00),
            new Price("claude-opus-4", 15.00, 18.75, 1.50, 75.00));

    private Prices() {}

    /** The price of {@code model}, if it is in the table. */
    public static Optional<Price> of(String model) {
        if (model == null || model.isBlank()) {
            return Optional.empty();
        }
        String m = model.toLowerCase(Locale.ROOT);
        return TABLE.stream().filter(p -> m.startsWith(p.prefix())).findFirst();
    }
}
