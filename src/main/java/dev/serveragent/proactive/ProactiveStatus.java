package dev.serveragent.proactive;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The proactive loop at a glance, for the Master's {@code /budget}.
 *
 * @param running whether a scheduler runs in this process (enabled and a Claude Code runner present)
 * @param reserved tokens promised to a run in flight
 * @param tokensPerMinute moving average over the recent cycles
 * @param projectedEndOfDay today's spend at midnight if that rate held
 */
public record ProactiveStatus(
        boolean enabled,
        boolean running,
        boolean paused,
        long dailyBudget,
        long spentToday,
        long reserved,
        long remaining,
        Optional<Instant> nextWake,
        Optional<String> wakeReason,
        double tokensPerMinute,
        long projectedEndOfDay) {

    /** Plain text for a Telegram message. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("Proactive loop: ").append(!enabled ? "disabled (PROACTIVE_ENABLED)" : paused ? "paused" : running ? "running" : "enabled, no Claude Code runner")
                .append('\n');
        b.append(String.format(Locale.ROOT, "Today (UTC): %,d of %,d tokens spent, %,d left", spentToday, dailyBudget, remaining));
        if (reserved > 0) {
            b.append(String.format(Locale.ROOT, " (%,d reserved by the cycle in progress)", reserved));
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "Pace: %,.0f tokens/min over recent cycles, %,d projected by midnight%n", tokensPerMinute, projectedEndOfDay));
        b.append("Next wake: ").append(paused ? "none while paused" : nextWake.map(Instant::toString).orElse("now"));
        wakeReason.filter(r -> !paused).ifPresent(r -> b.append(" (").append(r).append(')'));
        return b.toString();
    }
}
