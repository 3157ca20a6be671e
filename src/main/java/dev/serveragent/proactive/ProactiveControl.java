package dev.serveragent.proactive;

import dev.serveragent.budget.BudgetGovernor;
import dev.serveragent.store.BudgetSnapshot;
import dev.serveragent.budget.UtcDay;
import dev.serveragent.store.ProactiveStateRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Master's handle on the proactive loop ({@code /pause}, {@code /resume}, {@code /budget}).
 * Pause is persisted, so it holds for every replica and across restarts; the leader cancels a
 * run in flight within seconds. Works whether or not a scheduler runs in this process.
 * Thread-safe.
 */
public final class ProactiveControl {
    private static final Logger log = LoggerFactory.getLogger(ProactiveControl.class);

    private final boolean enabled;
    private final ProactiveStateRepository state;
    private final BudgetGovernor governor;
    private final Clock clock;
    private final List<Runnable> onResume = new CopyOnWriteArrayList<>();
    private volatile boolean schedulerRunning;

    public ProactiveControl(boolean enabled, ProactiveStateRepository state, BudgetGovernor governor, Clock clock) {
        this.enabled = enabled;
        this.state = state;
        this.governor = governor;
        this.clock = clock;
    }

    /** Stops proactive cycles (and the one in flight) until {@link #resume()}. */
    public void pause() {
        state.setPaused(true, clock.instant());
        log.info("Proactive loop paused");
    }

    /** Lets cycles run again; a cycle that is due runs at once. */
    public void resume() {
        state.setPaused(false, clock.instant());
        log.info("Proactive loop resumed");
        onResume.forEach(Runnable::run);
    }

    public boolean paused() {
        return state.state().paused();
    }

    /** Today's spend, what is left, the pace and the next wake. */
    public ProactiveStatus status() {
        Instant now = clock.instant();
        ProactiveStateRepository.State st = state.state();
        BudgetSnapshot s = state.snapshot(now, UtcDay.startOf(now), governor.policy().window());
        long budget = governor.policy().dailyBudget();
        double perMinute = governor.tokensPerMinute(s.recent(), now);
        long projected = governor.pace(s).projectedEndOfDay();
        return new ProactiveStatus(enabled, schedulerRunning, st.paused(), budget, s.spentToday(), s.reserved(),
                s.remaining(budget), st.nextWakeAt(), st.wakeReason(), perMinute, projected);
    }

    void onResume(Runnable r) {
        onResume.add(r);
    }

    void schedulerRunning(boolean running) {
        schedulerRunning = running;
    }
}
