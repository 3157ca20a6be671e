package dev.serveragent.budget;

import dev.serveragent.store.BudgetSnapshot;
import dev.serveragent.store.CycleSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;

/**
 * Drives the real {@link BudgetGovernor} through simulated days: a simulated clock, runs drawn
 * from a {@link CostModel} and cut by the token ceiling as the real runner cuts them, and an
 * in-memory ledger (a sum of (time, tokens) rows) instead of {@code token_ledger} so that 30 days
 * take well under a second. The scheduler's own protocol (admit, run, record at the end, pace)
 * is followed step by step.
 *
 * <p>{@code java -cp target/classes:target/test-classes dev.serveragent.budget.BudgetSimulation [days] [seed]}
 */
public final class BudgetSimulation {
    /** One simulated day's outcome. */
    public record Day(Instant start, long spent, long largestTurn, int cycles, int cutByCeiling) {}

    /** A whole simulation. */
    public record Report(String model, long budget, List<Day> days) {
        public double meanUse() {
            return days.stream().mapToDouble(d -> (double) d.spent() / budget).average().orElse(0);
        }

        public double worstUse() {
            return days.stream().mapToDouble(d -> (double) d.spent() / budget).min().orElse(0);
        }

        /** The largest amount by which a day went over the budget (0 when none did). */
        public long maxOvershoot() {
            return days.stream().mapToLong(d -> Math.max(0, d.spent() - budget)).max().orElse(0);
        }

        /** Whether every day stayed within the budget plus that day's largest single turn. */
        public boolean withinOneTurn() {
            return days.stream().allMatch(d -> d.spent() <= budget + d.largestTurn());
        }

        public int cycles() {
            return days.stream().mapToInt(Day::cycles).sum();
        }

        public int cutByCeiling() {
            return days.stream().mapToInt(Day::cutByCeiling).sum();
        }
    }

    public static Report simulate(CostModel model, BudgetPolicy policy, int days, long seed) {
        BudgetGovernor governor = new BudgetGovernor(policy);
        Random random = new Random(seed);
        TreeMap<Instant, Long> ledger = new TreeMap<>();
        List<CycleSample> recent = new ArrayList<>(); // newest first
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        Instant end = start.plus(Duration.ofDays(days));
        long[] largestTurn = new long[days];
        int[] cycles = new int[days];
        int[] cut = new int[days];
        Instant now = start;
        while (now.isBefore(end)) {
            BudgetSnapshot before = new BudgetSnapshot(now, spentToday(ledger, now), 0, recent);
            BudgetGovernor.Admission admission = governor.admit(before);
            if (admission instanceof BudgetGovernor.Admission.Wait w) {
                now = w.until();
                continue;
            }
            long ceiling = ((BudgetGovernor.Admission.Run) admission).ceiling();
            CostModel.PlannedRun planned = model.next(random);
            CostModel.PlannedRun ran = planned.underCeiling(ceiling);
            Instant finished = now.plus(ran.duration());
            // The ledger row is written when the run ends (as the scheduler does).
            ledger.merge(finished, ran.total(), Long::sum);
            int day = (int) Duration.between(start, UtcDay.startOf(finished)).toDays();
            if (day < days) {
                largestTurn[day] = Math.max(largestTurn[day], ran.largestTurn());
                cycles[day]++;
                if (ran.turns().size() < planned.turns().size()) {
                    cut[day]++;
                }
            }
            recent.addFirst(new CycleSample(now, finished, ran.total()));
            if (recent.size() > policy.window()) {
                recent.removeLast();
            }
            now = finished;
            now = governor.pace(new BudgetSnapshot(now, spentToday(ledger, now), 0, recent)).wakeAt();
        }
        List<Day> out = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            Instant ds = start.plus(Duration.ofDays(d));
            long spent = ledger.subMap(ds, ds.plus(Duration.ofDays(1))).values().stream().mapToLong(Long::longValue).sum();
            out.add(new Day(ds, spent, largestTurn[d], cycles[d], cut[d]));
        }
        return new Report(model.name(), policy.dailyBudget(), out);
    }

    private static long spentToday(TreeMap<Instant, Long> ledger, Instant now) {
        return ledger.subMap(UtcDay.startOf(now), true, now, true).values().stream().mapToLong(Long::longValue).sum();
    }

    public static void main(String[] args) {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
        BudgetPolicy policy = new BudgetPolicy(7_000_000, Duration.ofSeconds(60), Duration.ofSeconds(3600), 10);
        long t0 = System.nanoTime();
        System.out.printf(Locale.ROOT, "Proactive budget simulation: %d days, budget %,d tokens/day, sleep %d..%d s, window %d, seed %d%n%n",
                days, policy.dailyBudget(), policy.minSleep().toSeconds(), policy.maxSleep().toSeconds(), policy.window(), seed);
        System.out.println("| distribution | cycles | cut by ceiling | mean use | worst day | best day | max overshoot | largest turn | within one turn |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (CostModel model : List.of(CostModel.steady(), CostModel.heavyTailed(), CostModel.bursty())) {
            Report r = simulate(model, policy, days, seed);
            double best = r.days().stream().mapToDouble(d -> (double) d.spent() / r.budget()).max().orElse(0);
            long largest = r.days().stream().mapToLong(Day::largestTurn).max().orElse(0);
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %.2f %% | %.2f %% | %.2f %% | %,d tokens | %,d tokens | %s |%n",
                    r.model(), r.cycles(), r.cutByCeiling(), 100 * r.meanUse(), 100 * r.worstUse(), 100 * best,
                    r.maxOvershoot(), largest, r.withinOneTurn() ? "yes" : "NO");
        }
        int seeds = 20;
        System.out.printf(Locale.ROOT, "%nRobustness over seeds 1..%d (%d days each):%n%n", seeds, days);
        System.out.println("| distribution | lowest mean use | lowest day | max overshoot | every day within one turn |");
        System.out.println("|---|---|---|---|---|");
        for (java.util.function.Supplier<CostModel> m : List.<java.util.function.Supplier<CostModel>>of(CostModel::steady, CostModel::heavyTailed, CostModel::bursty)) {
            double lowestMean = 1;
            double lowestDay = 1;
            long overshoot = 0;
            boolean within = true;
            String name = m.get().name();
            for (int s = 1; s <= seeds; s++) {
                Report r = simulate(m.get(), policy, days, s);
                lowestMean = Math.min(lowestMean, r.meanUse());
                lowestDay = Math.min(lowestDay, r.worstUse());
                overshoot = Math.max(overshoot, r.maxOvershoot());
                within &= r.withinOneTurn();
            }
            System.out.printf(Locale.ROOT, "| %s | %.2f %% | %.2f %% | %,d tokens | %s |%n", name, 100 * lowestMean, 100 * lowestDay, overshoot, within ? "yes" : "NO");
        }
        System.out.printf(Locale.ROOT, "%nsimulated in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }
}
