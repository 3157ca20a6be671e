package dev.serveragent.admin;

import dev.serveragent.store.LedgerRepository.HourTokens;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Server-side SVG charts of the token ledger (no script, no CDN: the page works offline).
 * Every data point is an element carrying its numbers in {@code data-*} attributes and a
 * {@code <title>} tooltip, so the charts can be read by a browser test and by a screen reader.
 */
final class TokenChart {
    static final int HOURS = 7 * 24;
    private static final int W = 840;
    private static final int H = 220;
    private static final int PAD = 40;

    private TokenChart() {}

    /** Proactive and reactive tokens per hour for the {@link #HOURS} hours ending with the current one, stacked. */
    static String hourly(List<HourTokens> rows, Instant now, long dailyBudget) {
        Instant first = now.truncatedTo(ChronoUnit.HOURS).minus(HOURS - 1L, ChronoUnit.HOURS);
        long[] pro = new long[HOURS];
        long[] re = new long[HOURS];
        for (HourTokens r : rows) {
            int i = (int) Duration.between(first, r.hour()).toHours();
            if (i >= 0 && i < HOURS) {
                (r.scope().equals("proactive") ? pro : re)[i] += r.tokens();
            }
        }
        long evenPace = dailyBudget / 24;
        long max = Math.max(1, evenPace);
        for (int i = 0; i < HOURS; i++) {
            max = Math.max(max, pro[i] + re[i]);
        }
        double bw = (W - 2.0 * PAD) / HOURS;
        StringBuilder b = svgStart("token-chart", "Tokens per hour, last 7 days: proactive and reactive");
        for (int i = 0; i < HOURS; i++) {
            double x = PAD + i * bw;
            double hp = (H - 2.0 * PAD) * pro[i] / max;
            double hr = (H - 2.0 * PAD) * re[i] / max;
            Instant hour = first.plus(i, ChronoUnit.HOURS);
            if (pro[i] > 0) {
                bar(b, "proactive", hour, pro[i], x, H - PAD - hp, bw, hp);
            }
            if (re[i] > 0) {
                bar(b, "reactive", hour, re[i], x, H - PAD - hp - hr, bw, hr);
            }
            if (hour.equals(hour.truncatedTo(ChronoUnit.DAYS))) {
                b.append(f("<text class=\"axis\" x=\"%.1f\" y=\"%d\">%s</text>", x, H - PAD + 14, hour.toString().substring(5, 10)));
            }
        }
        if (evenPace > 0) { // 0: no budget to show (the proactive loop is off)
            double y = H - PAD - (H - 2.0 * PAD) * evenPace / max;
            b.append(f("<line class=\"budget-line\" data-tokens=\"%d\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"><title>proactive budget at an even pace: %,d tokens/hour</title></line>",
                    evenPace, PAD, W - PAD, y, y, evenPace));
        }
        b.append(f("<text class=\"axis\" x=\"2\" y=\"%d\">%s</text>", PAD, compact(max)));
        b.append(f("<text class=\"axis\" x=\"2\" y=\"%d\">0</text>", H - PAD));
        return b.append("</svg>").toString();
    }

    /** Today's cumulative proactive tokens by hour, the daily budget line and the projection to midnight. */
    static String today(List<HourTokens> rows, Instant now, long dailyBudget, long projectedEndOfDay) {
        Instant day = now.truncatedTo(ChronoUnit.DAYS);
        long[] cum = new long[25];
        for (HourTokens r : rows) {
            int i = (int) Duration.between(day, r.hour()).toHours();
            if (r.scope().equals("proactive") && i >= 0 && i < 24) {
                cum[i + 1] += r.tokens();
            }
        }
        int nowHour = (int) Duration.between(day, now).toHours();
        for (int i = 1; i <= 24; i++) {
            cum[i] += cum[i - 1];
        }
        long max = Math.max(1, Math.max(dailyBudget, Math.max(projectedEndOfDay, cum[24])));
        StringBuilder b = svgStart("pace-chart", "Proactive tokens today, the daily budget and the projection");
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i <= nowHour + 1 && i <= 24; i++) {
            pts.append(f("%.1f,%.1f ", x24(i), y(cum[i], max)));
        }
        b.append("<polyline class=\"spent\" points=\"").append(pts.toString().strip()).append("\"/>");
        double by = y(dailyBudget, max);
        b.append(f("<line class=\"budget-line\" data-tokens=\"%d\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"><title>daily budget: %,d tokens</title></line>",
                dailyBudget, PAD, W - PAD, by, by, dailyBudget));
        int last = Math.min(24, nowHour + 1);
        b.append(f("<line class=\"projection\" data-tokens=\"%d\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"><title>projected at midnight: %,d tokens</title></line>",
                projectedEndOfDay, x24(last), y(cum[last], max), x24(24), y(projectedEndOfDay, max), projectedEndOfDay));
        b.append(f("<text class=\"axis\" x=\"2\" y=\"%d\">%s</text>", PAD, compact(max)));
        for (int hh = 0; hh <= 24; hh += 6) {
            b.append(f("<text class=\"axis\" x=\"%.1f\" y=\"%d\">%02d:00</text>", x24(hh) - 12, H - PAD + 14, hh % 24));
        }
        return b.append("</svg>").toString();
    }

    private static double x24(int hour) {
        return PAD + (W - 2.0 * PAD) * hour / 24;
    }

    private static double y(long v, long max) {
        return H - PAD - (H - 2.0 * PAD) * v / max;
    }

    private static StringBuilder svgStart(String id, String label) {
        return new StringBuilder(f("<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">", id, W, H, label))
                .append(f("<line class=\"axis-line\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>", PAD, W - PAD, H - PAD, H - PAD));
    }

    private static void bar(StringBuilder b, String scope, Instant hour, long tokens, double x, double y, double w, double h) {
        b.append(f("<rect class=\"bar %s\" data-hour=\"%s\" data-tokens=\"%d\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"><title>%s %s: %,d tokens</title></rect>",
                scope, hour, tokens, x, y, Math.max(0.5, w - 0.5), Math.max(0.5, h), hour.toString().substring(0, 13) + "h", scope, tokens));
    }

    static String compact(long v) {
        return v >= 1_000_000 ? f("%.1fM", v / 1e6) : v >= 1000 ? f("%.0fk", v / 1e3) : Long.toString(v);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
