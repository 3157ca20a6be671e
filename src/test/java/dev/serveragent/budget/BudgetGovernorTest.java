package dev.serveragent.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.store.BudgetSnapshot;
import dev.serveragent.store.CycleSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetGovernorTest {
    static final long BUDGET = 7_000_000;
    final BudgetGovernor governor = new BudgetGovernor(new BudgetPolicy(BUDGET, Duration.ofSeconds(60), Duration.ofSeconds(3600), 10));
    final Instant noon = Instant.parse("2026-03-10T12:00:00Z");

    /** {@code n} cycles of {@code tokens} each, 5 minutes long, every {@code every}, ending at {@code end}; newest first. */
    static List<CycleSample> history(int n, long tokens, Duration every, Instant end) {
        List<CycleSample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant finished = end.minus(every.multipliedBy(i));
            out.add(new CycleSample(finished.minus(Duration.ofMinutes(5)), finished, tokens));
        }
        return out;
    }

    @Test
    void spend_running_high_makes_the_next_sleep_longer_and_running_low_shorter() {
        List<CycleSample> recent = history(10, 100_000, Duration.ofMinutes(20), noon);
        Instant onPace = governor.pace(new BudgetSnapshot(noon, BUDGET / 2, 0, recent)).wakeAt();
        Instant high = governor.pace(new BudgetSnapshot(noon, BUDGET * 3 / 4, 0, recent)).wakeAt();
        Instant low = governor.pace(new BudgetSnapshot(noon, BUDGET / 4, 0, recent)).wakeAt();

        assertThat(high).isAfter(onPace);
        assertThat(low).isBefore(onPace);
        // On pace at noon: 3.5M left for 12 h at 100k per cycle → a cycle every 12*3600*100k/3.5M ≈ 1234 s, minus the 300 s run.
        assertThat(Duration.between(noon, onPace).toSeconds()).isBetween(930L, 940L);
    }

    @Test
    void sleep_is_clamped_to_the_configured_bounds() {
        List<CycleSample> recent = history(10, 100_000, Duration.ofMinutes(20), noon);
        // Almost nothing spent: the pace wants a cycle at once; the bound says 60 s.
        assertThat(governor.pace(new BudgetSnapshot(noon, 0, 0, List.of(new CycleSample(noon.minusSeconds(600), noon, 10_000)))).wakeAt())
                .isEqualTo(noon.plusSeconds(60));
        // Nearly spent, but a few cycles still affordable: the pace wants hours; the bound says an hour.
        assertThat(governor.pace(new BudgetSnapshot(noon, BUDGET - 250_000, 0, recent)).wakeAt()).isEqualTo(noon.plusSeconds(3600));
    }

    @Test
    void when_what_is_left_cannot_pay_a_typical_cycle_it_sleeps_until_the_next_utc_midnight() {
        List<CycleSample> recent = history(10, 100_000, Duration.ofMinutes(20), noon);
        BudgetSnapshot s = new BudgetSnapshot(noon, BUDGET - 99_999, 0, recent);

        assertThat(governor.pace(s).wakeAt()).isEqualTo(Instant.parse("2026-03-11T00:00:00Z"));
        assertThat(governor.admit(s)).isEqualTo(new BudgetGovernor.Admission.Wait(Instant.parse("2026-03-11T00:00:00Z"),
                "99999 tokens left cannot pay a typical cycle (100000): sleeping until the next UTC midnight"));
    }

    @Test
    void a_run_gets_the_whole_remaining_budget_less_what_runs_in_flight_hold_as_its_ceiling() {
        List<CycleSample> recent = history(3, 100_000, Duration.ofMinutes(20), noon);
        assertThat(governor.admit(new BudgetSnapshot(noon, 2_000_000, 0, recent))).isEqualTo(new BudgetGovernor.Admission.Run(5_000_000));
        assertThat(governor.admit(new BudgetSnapshot(noon, 2_000_000, 4_950_000, recent))).isInstanceOf(BudgetGovernor.Admission.Wait.class);
    }

    @Test
    void the_moving_average_of_tokens_per_minute_spans_the_window_until_now() {
        List<CycleSample> recent = history(10, 100_000, Duration.ofMinutes(20), noon);
        // 1M tokens from the oldest start (noon − 9·20 min − 5 min = 185 min ago).
        assertThat(governor.tokensPerMinute(recent, noon)).isCloseTo(1_000_000 / 185.0, org.assertj.core.data.Offset.offset(0.5));
        assertThat(governor.pace(new BudgetSnapshot(noon, 3_000_000, 0, recent)).projectedEndOfDay())
                .isEqualTo(3_000_000 + Math.round(1_000_000 / 185.0 * 720));
    }

    @Test
    void thirty_days_of_each_cost_distribution_stay_within_one_turn_of_the_budget_and_use_at_least_95_percent_on_average() {
        BudgetPolicy policy = governor.policy();
        for (CostModel model : List.of(CostModel.steady(), CostModel.heavyTailed(), CostModel.bursty())) {
            BudgetSimulation.Report r = BudgetSimulation.simulate(model, policy, 30, 7);
            assertThat(r.withinOneTurn()).as(model.name()).isTrue();
            assertThat(r.meanUse()).as(model.name()).isGreaterThanOrEqualTo(0.95);
        }
    }
}
