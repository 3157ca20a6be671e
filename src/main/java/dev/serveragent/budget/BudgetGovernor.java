package dev.serveragent.budget;

import dev.serveragent.store.BudgetSnapshot;
import dev.serveragent.store.CycleSample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Paces proactive cycles so that a UTC day's proactive spend lands on the daily budget, and
 * bounds every run by what is left.
 *
 * <p>Pacing: the moving averages over the recent cycles give a typical cycle's cost {@code c}
 * and running time {@code d}. With {@code R} tokens left and {@code T} until midnight, the rate
 * that spends exactly {@code R} by midnight is {@code R/T}; one cycle every {@code c·T/R} keeps to
 * it, so the sleep after a cycle is {@code c·T/R − d}, clamped to the policy's bounds. Spend
 * running high shrinks {@code R} (sleep longer); running low leaves {@code R} large (sleep
 * shorter). Every decision starts again from the ledger, so a restart or a different leader
 * continues the same pace. When {@code R} cannot pay a typical cycle, the next wake is the next
 * UTC midnight.
 *
 * <p>Hard bound: {@link #admit} gives each run the whole remaining budget as its live token
 * ceiling; the runner stops a run at the first model turn that crosses it, so a day never exceeds
 * the budget by more than one turn. Callers make admission atomic across replicas (see
 * {@code ProactiveStateRepository.admit}).
 *
 * <p>Pure and thread-safe: no clock, no I/O; everything comes in the {@link BudgetSnapshot}.
 */
public final class BudgetGovernor {
    private final BudgetPolicy policy;

    public BudgetGovernor(BudgetPolicy policy) {
        this.policy = policy;
    }

    public BudgetPolicy policy() {
        return policy;
    }

    /** Whether a cycle may start now, and with which token ceiling. */
    public sealed interface Admission {
        /** Start a run whose live ceiling is {@code ceiling} tokens (all that is left today). */
        record Run(long ceiling) implements Admission {}

        /** Do not run before {@code until}. */
        record Wait(Instant until, String reason) implements Admission {}
    }

    /**
     * When to run next.
     *
     * @param tokensPerMinute moving average of proactive tokens per minute over the recent cycles
     *     (from the window's first start until now, sleeps included)
     * @param projectedEndOfDay today's spend at midnight if that rate held
     */
    public record Pace(Instant wakeAt, String reason, long typicalCycleTokens, double tokensPerMinute, long projectedEndOfDay) {}

    public Admission admit(BudgetSnapshot s) {
        long remaining = s.remaining(policy.dailyBudget());
        long typical = typicalCycleTokens(s.recent());
        if (remaining <= 0 || remaining < typical) {
            return new Admission.Wait(UtcDay.nextMidnight(s.now()), outOfBudget(remaining, typical));
        }
        return new Admission.Run(remaining);
    }

    public Pace pace(BudgetSnapshot s) {
        long remaining = s.remaining(policy.dailyBudget());
        List<CycleSample> recent = s.recent();
        long typical = typicalCycleTokens(recent);
        double perMinute = tokensPerMinute(recent, s.now());
        long secondsLeft = Math.max(1, Duration.between(s.now(), UtcDay.nextMidnight(s.now())).toSeconds());
        long projected = s.spentToday() + s.reserved() + Math.round(perMinute * secondsLeft / 60.0);
        if (remaining <= 0 || remaining < typical) {
            return new Pace(UtcDay.nextMidnight(s.now()), outOfBudget(remaining, typical), typical, perMinute, projected);
        }
        if (recent.isEmpty()) {
            return new Pace(s.now().plus(policy.minSleep()), "no cycle history yet: shortest sleep", 0, 0, projected);
        }
        double meanRunSeconds = recent.stream().mapToLong(c -> c.duration().toMillis()).average().orElse(0) / 1000.0;
        // One cycle every c·T/R seconds spends R by midnight at the typical cost.
        double periodSeconds = (double) typical * secondsLeft / remaining;
        long sleepSeconds = Math.round(periodSeconds - meanRunSeconds);
        long clamped = Math.clamp(sleepSeconds, policy.minSleep().toSeconds(), policy.maxSleep().toSeconds());
        String reason = "%d tokens left for %d s; typical cycle %d tokens in %.0f s -> one cycle every %.0f s, sleep %d s%s"
                .formatted(remaining, secondsLeft, typical, meanRunSeconds, periodSeconds, clamped,
                        clamped != sleepSeconds ? " (clamped from " + sleepSeconds + " s)" : "");
        return new Pace(s.now().plusSeconds(clamped), reason, typical, perMinute, projected);
    }

    /**
     * A typical cycle's cost: the mean over the window. The mean, not the median, so that a
     * heavy tail makes the pace more careful rather than the other way round.
     */
    public long typicalCycleTokens(List<CycleSample> recent) {
        return Math.round(recent.stream().limit(policy.window()).mapToLong(CycleSample::tokens).average().orElse(0));
    }

    /** Tokens per minute from the start of the window's oldest cycle until {@code now}. */
    public double tokensPerMinute(List<CycleSample> recent, Instant now) {
        List<CycleSample> window = recent.stream().limit(policy.window()).toList();
        if (window.isEmpty()) {
            return 0;
        }
        Instant from = window.stream().map(CycleSample::started).min(Instant::compareTo).orElseThrow();
        double minutes = Math.max(1.0, Duration.between(from, now).toMillis() / 60_000.0);
        return window.stream().mapToLong(CycleSample::tokens).sum() / minutes;
    }

    private static String outOfBudget(long remaining, long typical) {
        return remaining <= 0
                ? "today's proactive budget is spent: sleeping until the next UTC midnight"
                : remaining + " tokens left cannot pay a typical cycle (" + typical + "): sleeping until the next UTC midnight";
    }
}
