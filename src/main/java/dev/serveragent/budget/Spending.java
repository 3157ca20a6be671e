package dev.serveragent.budget;

import dev.serveragent.store.LedgerRepository;
import dev.serveragent.store.LedgerRepository.DayUsage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tokens and dollars per UTC day and scope, from the ledger: Claude Code runs cost what the CLI
 * reported ({@code total_cost_usd}), API calls cost their token breakdown at {@link Prices}.
 * Calls of a model missing from the table add their tokens but no dollars and are counted in
 * {@link Day#unpricedCalls()}.
 */
public final class Spending {
    /** One UTC day: tokens and dollars by scope ({@code proactive}, {@code reactive}). */
    public record Day(Instant day, Map<String, Long> tokens, Map<String, Double> usd, long unpricedCalls) {
        public long totalTokens() {
            return tokens.values().stream().mapToLong(Long::longValue).sum();
        }

        public double totalUsd() {
            return usd.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private Spending() {}

    /** Dollars of one ledger group: the CLI's own figure, or the API price table's. */
    public static double usd(DayUsage u) {
        if (!u.provider().equals("anthropic_api")) {
            return u.reportedCostUsd();
        }
        return Prices.of(u.model()).map(p -> p.cost(u.input(), u.cacheCreation(), u.cacheRead(), u.output())).orElse(0.0);
    }

    static boolean unpriced(DayUsage u) {
        return u.provider().equals("anthropic_api") && Prices.of(u.model()).isEmpty();
    }

    /** The {@code days} UTC days ending with today's (oldest first), every day present even when empty. */
    public static List<Day> lastDays(LedgerRepository ledger, Instant now, int days) {
        Instant today = UtcDay.startOf(now);
        Instant from = today.minus(days - 1L, ChronoUnit.DAYS);
        Map<Instant, Day> byDay = new TreeMap<>();
        for (int i = 0; i < days; i++) {
            Instant d = from.plus(i, ChronoUnit.DAYS);
            byDay.put(d, new Day(d, new TreeMap<>(Map.of("proactive", 0L, "reactive", 0L)),
                    new TreeMap<>(Map.of("proactive", 0.0, "reactive", 0.0)), 0));
        }
        for (DayUsage u : ledger.daily(from, UtcDay.nextMidnight(now))) {
            Day d = byDay.get(u.day());
            if (d == null) {
                continue; // cannot happen: the query's range is the map's
            }
            d.tokens().merge(u.scope(), u.tokensTotal(), Long::sum);
            d.usd().merge(u.scope(), usd(u), Double::sum);
            if (unpriced(u)) {
                byDay.put(u.day(), new Day(d.day(), d.tokens(), d.usd(), d.unpricedCalls() + u.calls()));
            }
        }
        return new ArrayList<>(byDay.values());
    }
}
