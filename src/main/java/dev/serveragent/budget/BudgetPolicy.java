package dev.serveragent.budget;

import dev.serveragent.config.ProactiveConfig;
import java.time.Duration;

/** The governor's knobs: the daily budget, the sleep bounds and the moving-average window. */
public record BudgetPolicy(long dailyBudget, Duration minSleep, Duration maxSleep, int window) {
    public BudgetPolicy {
        if (dailyBudget < 0 || minSleep.isNegative() || minSleep.compareTo(maxSleep) > 0 || window < 1) {
            throw new IllegalArgumentException("invalid budget policy: " + dailyBudget + ", " + minSleep + ".." + maxSleep + ", window " + window);
        }
    }

    public static BudgetPolicy of(ProactiveConfig c) {
        return new BudgetPolicy(c.dailyTokenBudget(), c.minSleep(), c.maxSleep(), c.paceWindow());
    }
}
