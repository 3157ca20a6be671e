package dev.serveragent.proactive;

import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.runtime.Loop;
import dev.serveragent.budget.BudgetGovernor;
import dev.serveragent.budget.BudgetGovernor.Admission;
import dev.serveragent.budget.UtcDay;
import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.ClaudeResult;
import dev.serveragent.claude.ClaudeRun;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.config.ProactiveConfig;
import dev.serveragent.store.LeaderLock;
import dev.serveragent.store.LedgerRepository;
import dev.serveragent.store.ProactiveStateRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proactive loop: on the one replica that holds the leader lock, runs a Claude Code cycle
 * whenever one is due, within the day's budget, and sleeps as the {@link BudgetGovernor} says.
 *
 * <p>A cycle: admit under the budget lock (reserving the whole remaining budget as the run's
 * live ceiling), build the prompt from memory, run Claude Code in PROACTIVE mode, record the real
 * usage in the ledger (scope proactive), write memory back, release the reservation, pace the
 * next wake. The next wake and the pause switch live in the database, so any replica that takes
 * over (or this one after a restart) continues the same schedule.
 *
 * <p>The loop works from the agenda ({@link ProactiveWork}): with no open autonomous task it runs
 * nothing and spends nothing ({@link Tick#IDLE}), looks again every leader poll and at once when
 * {@link #wake()} is called (the agenda changed on this replica).
 *
 * <p>{@link #runDue()} is the whole step and is what tests call with a moved clock; the
 * {@link Loop} started by {@link #start()} only calls it and waits. A run in flight is
 * cancelled within seconds when the loop is paused or stopped or loses leadership.
 */
public final class ProactiveScheduler implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(ProactiveScheduler.class);
    /** {@code pg_advisory_lock} key of proactive leadership ("proleadr"). */
    public static final long LEADER_LOCK_KEY = 0x70726F6C65616472L;
    static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);
    static final Duration CANCEL_BOUND = Duration.ofSeconds(30);
    /** Slack past the run's own timeout before a dead replica's reservation is given up. */
    static final Duration LEASE_MARGIN = Duration.ofMinutes(5);

    /** What one {@link #runDue()} did. */
    public enum Tick { NOT_LEADER, PAUSED, NOT_DUE, OUT_OF_BUDGET, RAN, BLOCKED, IDLE }

    private final ProactiveConfig config;
    private final BudgetGovernor governor;
    private final ClaudeRunner runner;
    private final LedgerRepository ledger;
    private final ProactiveStateRepository state;
    private final ProactivePrompt prompt;
    private final MemoryWriteback writeback;
    private final ProactiveControl control;
    private final LeaderLock leader;
    private final Clock clock;
    private final String replicaId;
    private final ProactiveWork work;
    private final CycleReports reports;
    private volatile FirstRunNotice notice;

    private final Object lifecycle = new Object();
    private final AtomicLong cycles = new AtomicLong();
    private final AtomicReference<ClaudeRun> inFlight = new AtomicReference<>();
    private volatile boolean stopping;
    private volatile boolean leading;
    private final Loop loop;
    /** A finished run whose end could not be fully recorded yet; nothing else runs until it is. */
    private Ended unrecorded;

    /** A finished run and how far its recording got (ledger row, writeback), so a retry resumes there. */
    private record Ended(long cycleId, long ceiling, ClaudeResult result, Instant at, OptionalLong ledgerId,
            Optional<MemoryWriteback.Result> writeback) {
        Ended(long cycleId, long ceiling, ClaudeResult result, Instant at) {
            this(cycleId, ceiling, result, at, OptionalLong.empty(), Optional.empty());
        }
    }

    public ProactiveScheduler(ProactiveConfig config, BudgetGovernor governor, ClaudeRunner runner, LedgerRepository ledger,
            ProactiveStateRepository state, ProactivePrompt prompt, MemoryWriteback writeback, ProactiveControl control,
            LeaderLock leader, Clock clock, String replicaId, ProactiveWork work) {
        this.work = work;
        this.reports = new CycleReports(state);
        this.config = config;
        this.governor = governor;
        this.runner = runner;
        this.ledger = ledger;
        this.state = state;
        this.prompt = prompt;
        this.writeback = writeback;
        this.control = control;
        this.leader = leader;
        this.clock = clock;
        this.replicaId = replicaId;
        this.loop = Loop.named("proactive-scheduler", this::step).platformThread()
                .stopGrace(CANCEL_BOUND.plus(WATCH_INTERVAL).plusSeconds(10))
                .onError(config.leaderPoll(), config.leaderPoll()).describedAs("Proactive step").build();
        control.onResume(loop::wake);
    }

    /**
     * The notice this loop sends the Master once, at its first step as leader (before any cycle),
     * so a newly configured model does not start spending silently. Set before {@link #start()}.
     */
    public void firstRunNotice(FirstRunNotice notice) {
        this.notice = notice;
    }

    /** Makes the loop look again now (the agenda changed: a task may have become autonomous work). */
    public void wake() {
        loop.wake();
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (loop.running()) {
                return;
            }
            stopping = false;
            loop.start();
            control.schedulerRunning(true);
            log.info("Proactive scheduler started as {} (budget {} tokens/UTC day; it runs only while a task is marked autonomous or a standing goal is set)",
                    replicaId, config.dailyTokenBudget());
        }
    }

    /**
     * Stops the loop (cancelling a run in flight, whose usage is still recorded) and gives up
     * leadership. Also releases leadership taken by direct {@link #runDue()} calls. Idempotent.
     */
    @Override
    public void stop() {
        synchronized (lifecycle) {
            if (loop.running()) {
                stopping = true;
                loop.stop(() -> {
                    ClaudeRun run = inFlight.get();
                    if (run != null) {
                        run.cancel();
                    }
                });
                control.schedulerRunning(false);
                log.info("Proactive scheduler stopped");
            }
            synchronized (this) {
                leader.release();
                leading = false;
            }
        }
    }

    /** One pass of the loop: {@link #runDue()}, then the wait until the next cycle is due (at most the leader poll). */
    private Loop.Next step() {
        Duration wait = config.leaderPoll();
        Tick t = runDue();
        if (t == Tick.NOT_DUE) {
            Instant wake = state.state().nextWakeAt().orElse(clock.instant());
            Duration untilWake = Duration.between(clock.instant(), wake);
            wait = untilWake.compareTo(wait) < 0 ? untilWake : wait;
        } else if (t == Tick.RAN) {
            return Loop.Next.again(); // re-read the schedule the cycle just wrote
        }
        return Loop.Next.idle(wait);
    }

    /**
     * One step: become or stay leader, then run a cycle if one is due, not paused and within the
     * budget. Returns what it did. Not for concurrent use (the loop thread or a test calls it).
     */
    public synchronized Tick runDue() {
        if (unrecorded != null && !recordEnd(unrecorded)) {
            return Tick.BLOCKED;
        }
        if (!leader.tryAcquire()) {
            if (leading) {
                leading = false;
                log.warn("{} is no longer the proactive leader", replicaId);
            }
            return Tick.NOT_LEADER;
        }
        Instant now = clock.instant();
        if (!leading) {
            leading = true;
            int abandoned = state.abandonExpired(now);
            log.info("{} is now the proactive leader{}", replicaId, abandoned > 0 ? " (" + abandoned + " dead cycle(s) abandoned)" : "");
        }
        ProactiveStateRepository.State st = state.state();
        if (st.paused()) {
            return Tick.PAUSED; // the first-run notice ("the loop is on…") waits for the first step not paused
        }
        FirstRunNotice n = notice;
        if (n != null) {
            n.offer();
        }
        if (!work.any()) {
            return Tick.IDLE; // nothing to work on: no run, no ledger row, no reservation
        }
        if (st.nextWakeAt().isPresent() && now.isBefore(st.nextWakeAt().get())) {
            return Tick.NOT_DUE;
        }
        return runCycle(now);
    }

    private Tick runCycle(Instant now) {
        AtomicReference<Admission.Wait> refused = new AtomicReference<>();
        Optional<ProactiveStateRepository.Admitted> admitted = state.admit(now, UtcDay.startOf(now), governor.policy().window(),
                now.plus(config.cycleTimeout()).plus(LEASE_MARGIN), replicaId, snapshot -> {
                    Admission a = governor.admit(snapshot);
                    if (a instanceof Admission.Wait w) {
                        refused.set(w);
                        return OptionalLong.empty();
                    }
                    return OptionalLong.of(((Admission.Run) a).ceiling());
                });
        if (admitted.isEmpty()) {
            Admission.Wait w = refused.get();
            state.setNextWake(w.until(), w.reason(), now);
            log.info("Proactive cycle not started: {}", w.reason());
            return Tick.OUT_OF_BUDGET;
        }
        long cycleId = admitted.get().cycleId();
        long ceiling = admitted.get().ceiling();
        ClaudeResult result;
        try {
            ProactivePrompt.Prompt p = prompt.build(now, ceiling);
            ClaudeRequest request = ClaudeRequest.of(p.user(), p.system(), ClaudeRequest.Mode.PROACTIVE, config.cycleTimeout())
                    .withMaxTurns(config.maxTurns())
                    .withTokenCeiling(ceiling);
            log.info("Proactive cycle {} starting with a ceiling of {} tokens", cycleId, ceiling);
            result = watch(runner.start(request));
        } catch (RuntimeException e) {
            // Nothing was spent that the runner reported; the cycle ends as failed with zero usage.
            result = new ClaudeResult.Failed(ClaudeResult.Kind.CRASHED, "cycle could not run: " + e.getMessage(),
                    Optional.empty(), dev.serveragent.claude.Usage.ZERO);
        }
        Ended ended = new Ended(cycleId, ceiling, result, clock.instant());
        if (!recordEnd(ended)) {
            return Tick.BLOCKED;
        }
        return Tick.RAN;
    }

    /** Waits for the run, cancelling it when the loop stops, pauses or loses leadership. */
    private ClaudeResult watch(ClaudeRun run) {
        inFlight.set(run);
        try {
            while (true) {
                Optional<ClaudeResult> r = run.await(WATCH_INTERVAL);
                if (r.isPresent()) {
                    return r.get();
                }
                String why = stopping ? "the scheduler is stopping" : !leader.isHeld() ? "leadership was lost" : pausedQuietly() ? "paused" : null;
                if (why != null) {
                    log.warn("Cancelling the proactive run: {}", why);
                    run.cancel();
                    return run.await(CANCEL_BOUND).orElseGet(() -> {
                        // A runner that does not end after cancel must not hang the loop or shutdown;
                        // its usage is then unknown (the runner's own ledger of the process is lost).
                        log.error("The proactive run did not end within {} of being cancelled; its usage is unknown", CANCEL_BOUND);
                        return new ClaudeResult.Failed(ClaudeResult.Kind.CANCELED, "did not end after cancel", Optional.empty(),
                                dev.serveragent.claude.Usage.ZERO);
                    });
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            run.cancel();
            return new ClaudeResult.Failed(ClaudeResult.Kind.CANCELED, "interrupted", Optional.empty(), dev.serveragent.claude.Usage.ZERO);
        } finally {
            inFlight.set(null);
        }
    }

    private boolean pausedQuietly() {
        try {
            return state.state().paused();
        } catch (RuntimeException e) {
            return false; // a database blip must not kill a run; leadership is checked separately
        }
    }

    /**
     * Ledger row first, then writeback, then the reservation is released and the next wake paced.
     * False when a database step failed: the progress is kept and retried by the next
     * {@link #runDue()} before anything else, so the usage is never lost and a cycle's
     * reservation is not left to block the day. A writeback failure is recorded, not retried.
     */
    private boolean recordEnd(Ended e) {
        ClaudeResult r = e.result();
        try {
            if (e.ledgerId().isEmpty()) {
                e = new Ended(e.cycleId(), e.ceiling(), r, e.at(), OptionalLong.of(ledger.record(LedgerRepository.Scope.PROACTIVE,
                        LedgerRepository.Provider.CLAUDE_CODE, new LedgerRepository.Tokens(r.usage().inputTokens(), r.usage().outputTokens(),
                        r.usage().cacheCreationInputTokens(), r.usage().cacheReadInputTokens()), ledgerMeta(e), OptionalLong.empty(), e.at())), e.writeback());
            }
            if (e.writeback().isEmpty()) {
                e = new Ended(e.cycleId(), e.ceiling(), r, e.at(), e.ledgerId(), Optional.of(writeBack(e)));
            }
            MemoryWriteback.Result wb = e.writeback().get();
            boolean completed = r instanceof ClaudeResult.Completed;
            String kind = completed ? "completed" : ((ClaudeResult.Failed) r).kind().name().toLowerCase(java.util.Locale.ROOT);
            state.finish(e.cycleId(), new ProactiveStateRepository.Finished(e.at(), completed, kind, r.usage().totalTokens(),
                    wb.outcome(), wb.error(), wb.summary(), e.ledgerId()));
            unrecorded = null;
            cycles.incrementAndGet();
            try {
                pace(e, completed, kind, wb);
            } catch (RuntimeException ex) {
                // The cycle is recorded; with the old wake left in place the next step is due at
                // once and paces again from the ledger.
                log.error("Proactive cycle {}: next wake not stored: {}", e.cycleId(), ex.toString());
            }
            return true;
        } catch (RuntimeException ex) {
            unrecorded = e;
            log.error("Proactive cycle {} ({} tokens) not fully recorded yet (ledger row {}), will retry: {}", e.cycleId(),
                    r.usage().totalTokens(), e.ledgerId().isPresent() ? "written" : "missing", ex.toString());
            return false;
        }
    }

    private MemoryWriteback.Result writeBack(Ended e) {
        try {
            return writeback.apply(e.cycleId(), e.result(), e.at(), reports.of(e.cycleId()));
        } catch (RuntimeException ex) {
            log.error("Proactive cycle {} writeback failed: {}", e.cycleId(), ex.toString());
            return new MemoryWriteback.Result("none", Optional.of("writeback failed: " + ex.getMessage()), Optional.empty(), 0, 0);
        }
    }

    private void pace(Ended e, boolean completed, String kind, MemoryWriteback.Result wb) {
        Instant now = clock.instant();
        long spent = e.result().usage().totalTokens();
        if (!completed && spent == 0) {
            String why = "the run failed without spending (" + kind + "): backing off for the longest sleep";
            state.setNextWake(now.plus(config.maxSleep()), why, now);
            log.warn("Proactive cycle {}: {}", e.cycleId(), why);
            return;
        }
        BudgetGovernor.Pace pace = governor.pace(state.snapshot(now, UtcDay.startOf(now), governor.policy().window()));
        state.setNextWake(pace.wakeAt(), pace.reason(), now);
        log.info("Proactive cycle {} {} ({} tokens, outcome {}); next at {}: {}", e.cycleId(), kind, spent, wb.outcome(),
                pace.wakeAt(), pace.reason());
    }

    private static java.util.Map<String, Object> ledgerMeta(Ended e) {
        java.util.Map<String, Object> meta = new java.util.LinkedHashMap<>();
        meta.put("cycle_id", e.cycleId());
        meta.put("token_ceiling", e.ceiling());
        meta.put("result", e.result() instanceof ClaudeResult.Failed f ? f.kind().name().toLowerCase(java.util.Locale.ROOT) : "completed");
        e.result().sessionId().ifPresent(s -> meta.put("session_id", s));
        if (e.result() instanceof ClaudeResult.Completed c) {
            meta.put("cost_usd", c.costUsd());
            meta.put("turns", c.turns());
        }
        return meta;
    }

    /** {@code pid@host}, naming this replica in {@code proactive_cycles.leader} and the logs. */
    public static String defaultReplicaId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return ProcessHandle.current().pid() + "@" + host;
    }

    /** Whether this instance held the leader lock at its last step. */
    public boolean isLeader() {
        return leading;
    }

    /** Cycles finished by this instance (tests await it). */
    public long cyclesRun() {
        return cycles.get();
    }

    public ProactiveControl control() {
        return control;
    }
}
