package dev.serveragent.budget;

import dev.serveragent.store.LedgerRepository;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The Master's cost summary ({@code /cost} and the daily report): today and the last 7 days, by scope. */
public final class CostReport {
    static final int DAYS = 7;

    private CostReport() {}

    public static String text(LedgerRepository ledger, Instant now) {
        List<Spending.Day> days = Spending.lastDays(ledger, now, DAYS);
        Spending.Day today = days.getLast();
        StringBuilder b = new StringBuilder("Cost today (UTC ").append(today.day().toString(), 0, 10).append("):\n");
        line(b, today.tokens().get("reactive"), today.usd().get("reactive"), "reactive");
        line(b, today.tokens().get("proactive"), today.usd().get("proactive"), "proactive");
        long tokens = 0;
        double reactiveUsd = 0;
        double proactiveUsd = 0;
        long reactive = 0;
        long proactive = 0;
        long unpriced = 0;
        for (Spending.Day d : days) {
            tokens += d.totalTokens();
            reactive += d.tokens().get("reactive");
            proactive += d.tokens().get("proactive");
            reactiveUsd += d.usd().get("reactive");
            proactiveUsd += d.usd().get("proactive");
            unpriced += d.unpricedCalls();
        }
        b.append("Last ").append(DAYS).append(" days: ").append(String.format(Locale.ROOT, "%,d", tokens))
                .append(" tokens, ").append(usd(reactiveUsd + proactiveUsd)).append('\n');
        line(b, reactive, reactiveUsd, "reactive");
        line(b, proactive, proactiveUsd, "proactive");
        if (unpriced > 0) {
            b.append("(").append(unpriced).append(" API call(s) of a model without a price are not in the dollars.)\n");
        }
        return b.toString().stripTrailing();
    }

    private static void line(StringBuilder b, long tokens, double usd, String scope) {
        b.append("  ").append(scope).append(": ").append(String.format(Locale.ROOT, "%,d", tokens)).append(" tokens, ")
                .append(usd(usd)).append('\n');
    }

    public static String usd(double v) {
        return String.format(Locale.ROOT, "$%.2f", v);
    }
}
