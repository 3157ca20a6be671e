package dev.serveragent.config;

/** The proactive loop and its daily token budget (UTC days). */
public record ProactiveConfig(boolean enabled, long dailyTokenBudget) {
    public static final long DEFAULT_DAILY_TOKEN_BUDGET = 7_000_000L;

    static ProactiveConfig from(Settings s, boolean claudeCodeConfigured) {
        return new ProactiveConfig(
                s.bool("PROACTIVE_ENABLED", claudeCodeConfigured),
                s.number("PROACTIVE_DAILY_TOKEN_BUDGET", DEFAULT_DAILY_TOKEN_BUDGET, 0, 1_000_000_000_000L));
    }
}
