package dev.serveragent.config;

import java.time.Duration;

/**
 * The proactive loop and its daily token budget (UTC days).
 *
 * @param enabled {@code PROACTIVE_ENABLED}: the loop runs at all (it also needs a Claude Code runner)
 * @param dailyTokenBudget {@code PROACTIVE_DAILY_TOKEN_BUDGET}: proactive tokens per UTC day
 * @param minSleep {@code PROACTIVE_MIN_SLEEP_SECONDS}: shortest pause between two cycles
 * @param maxSleep {@code PROACTIVE_MAX_SLEEP_SECONDS}: longest pause between two cycles (except the
 *     pause until the next UTC midnight once the day's budget cannot pay another cycle)
 * @param paceWindow {@code PROACTIVE_PACE_WINDOW}: how many recent cycles the moving averages span
 * @param cycleTimeout {@code PROACTIVE_CYCLE_TIMEOUT_SECONDS}: wall-clock bound of one Claude Code run
 * @param maxTurns {@code PROACTIVE_MAX_TURNS}: {@code --max-turns} of one run
 * @param notableThreshold {@code PROACTIVE_NOTABLE_THRESHOLD}: results whose significance (0..1) is
 *     above it are sent to the Master
 * @param leaderPoll {@code PROACTIVE_LEADER_POLL_SECONDS}: how often a follower replica tries to
 *     become leader (a dead leader is replaced within this plus the TCP keepalive bound, ~25 s)
 */
public record ProactiveConfig(
        boolean enabled,
        long dailyTokenBudget,
        Duration minSleep,
        Duration maxSleep,
        int paceWindow,
        Duration cycleTimeout,
        int maxTurns,
        double notableThreshold,
        Duration leaderPoll) {
    public static final long DEFAULT_DAILY_TOKEN_BUDGET = 7_000_000L;
    public static final Duration DEFAULT_MIN_SLEEP = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_SLEEP = Duration.ofSeconds(3600);
    public static final int DEFAULT_PACE_WINDOW = 10;
    public static final Duration DEFAULT_CYCLE_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_TURNS = 40;
    public static final double DEFAULT_NOTABLE_THRESHOLD = 0.7;
    public static final Duration DEFAULT_LEADER_POLL = Duration.ofSeconds(15);

    public ProactiveConfig {
        if (minSleep.compareTo(maxSleep) > 0) {
            throw new ConfigException("PROACTIVE_MIN_SLEEP_SECONDS (" + minSleep.toSeconds()
                    + ") must not exceed PROACTIVE_MAX_SLEEP_SECONDS (" + maxSleep.toSeconds() + ")");
        }
        if (!(notableThreshold >= 0 && notableThreshold <= 1)) {
            throw new ConfigException("PROACTIVE_NOTABLE_THRESHOLD: " + notableThreshold + " is out of range [0, 1]");
        }
    }

    /** Every default, with the given switch and budget (for tests and tools). */
    public static ProactiveConfig defaults(boolean enabled, long dailyTokenBudget) {
        return new ProactiveConfig(enabled, dailyTokenBudget, DEFAULT_MIN_SLEEP, DEFAULT_MAX_SLEEP, DEFAULT_PACE_WINDOW,
                DEFAULT_CYCLE_TIMEOUT, DEFAULT_MAX_TURNS, DEFAULT_NOTABLE_THRESHOLD, DEFAULT_LEADER_POLL);
    }

    static ProactiveConfig from(Settings s, boolean claudeCodeConfigured) {
        return new ProactiveConfig(
                s.bool("PROACTIVE_ENABLED", claudeCodeConfigured),
                s.number("PROACTIVE_DAILY_TOKEN_BUDGET", DEFAULT_DAILY_TOKEN_BUDGET, 0, 1_000_000_000_000L),
                s.seconds("PROACTIVE_MIN_SLEEP_SECONDS", DEFAULT_MIN_SLEEP, 1, 86_400),
                s.seconds("PROACTIVE_MAX_SLEEP_SECONDS", DEFAULT_MAX_SLEEP, 1, 86_400),
                s.integer("PROACTIVE_PACE_WINDOW", DEFAULT_PACE_WINDOW, 1, 1000),
                s.seconds("PROACTIVE_CYCLE_TIMEOUT_SECONDS", DEFAULT_CYCLE_TIMEOUT, 10, 86_400),
                s.integer("PROACTIVE_MAX_TURNS", DEFAULT_MAX_TURNS, 1, 1000),
                fraction(s, "PROACTIVE_NOTABLE_THRESHOLD", DEFAULT_NOTABLE_THRESHOLD),
                s.seconds("PROACTIVE_LEADER_POLL_SECONDS", DEFAULT_LEADER_POLL, 1, 60));
    }

    private static double fraction(Settings s, String name, double fallback) {
        String raw = s.optional(name).orElse(null);
        if (raw == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(raw);
        } catch (NumberFormatException e) {
            throw new ConfigException(name + ": '" + raw + "' is not a number between 0 and 1");
        }
    }
}
