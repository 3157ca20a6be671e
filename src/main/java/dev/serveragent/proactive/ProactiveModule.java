package dev.serveragent.proactive;

import dev.serveragent.budget.BudgetGovernor;
import dev.serveragent.budget.BudgetPolicy;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.config.ProactiveConfig;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.store.LeaderLock;
import dev.serveragent.store.MemoryRepository;
import dev.serveragent.store.Repositories;
import dev.serveragent.web.Capability;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The proactive loop, assembled: the Master's control (pause, resume, budget), always there, and,
 * when {@code PROACTIVE_ENABLED}, the scheduler that works the autonomous tasks within the budget,
 * writes back to memory and proposes risky actions through the approval path. One replica leads
 * at a time ({@code proactive.leader} gauge, like {@code telegram_poll_leader}).
 */
public final class ProactiveModule implements Capability {
    private final ProactiveControl control;
    private final Optional<ProactiveScheduler> scheduler;
    private final Optional<String> notice;

    private ProactiveModule(ProactiveControl control, Optional<ProactiveScheduler> scheduler, Optional<String> notice) {
        this.control = control;
        this.scheduler = scheduler;
        this.notice = notice;
    }

    /** With this replica's id and its leader connection from the pool. */
    public static ProactiveModule build(ProactiveConfig config, Repositories repositories, ClaudeRunner runner, MasterChannel master,
            ProposalSink proposals, ProactiveWork work, Supplier<List<String>> goals, Clock clock, MeterRegistry metrics) {
        return build(config, repositories, runner, master, proposals, work, goals,
                () -> repositories.database().dedicatedConnection("server-agent-proactive-leader"), ProactiveScheduler.defaultReplicaId(),
                clock, metrics);
    }

    /**
     * @param master the line to the Master: notable findings
     * @param proposals where risky actions go for approval
     * @param work whether there is work (the agenda's open autonomous tasks and standing goals)
     * @param goals the Master's standing goals, one line each, for the cycle's prompt
     * @param leaderConnection the connection holding the leader lock while this replica leads
     */
    public static ProactiveModule build(ProactiveConfig config, Repositories repositories, ClaudeRunner runner, MasterChannel master,
            ProposalSink proposals, ProactiveWork work, Supplier<List<String>> goals, LeaderLock.ConnectionSource leaderConnection,
            String replicaId, Clock clock,
            MeterRegistry metrics) {
        BudgetGovernor governor = new BudgetGovernor(BudgetPolicy.of(config));
        ProactiveControl control = new ProactiveControl(config.enabled(), repositories.proactiveState(), governor, clock);
        if (!config.enabled()) {
            return new ProactiveModule(control, Optional.empty(), Optional.empty());
        }
        MemoryRepository memory = repositories.memory();
        ProactiveScheduler scheduler = new ProactiveScheduler(config, governor, runner, repositories.ledger(), repositories.proactiveState(),
                new ProactivePrompt(memory, goals), new MemoryWriteback(memory, master, proposals, config.notableThreshold()), control,
                new LeaderLock(leaderConnection, ProactiveScheduler.LEADER_LOCK_KEY), clock, replicaId, work);
        // Which replica leads, for operators (and for tests that kill it), like telegram_poll_leader.
        metrics.gauge("proactive.leader", scheduler, s -> s.isLeader() ? 1 : 0);
        return new ProactiveModule(control, Optional.of(scheduler), Optional.of(ProactiveWork.notice(config.dailyTokenBudget())));
    }

    /** The Master's handle on the loop: pause, resume, budget status. */
    public ProactiveControl control() {
        return control;
    }

    /** The scheduler; empty when the loop is off. */
    public Optional<ProactiveScheduler> scheduler() {
        return scheduler;
    }

    /** Looks for work now (the agenda calls this when a task becomes autonomous work); nothing when off. */
    public void wake() {
        scheduler.ifPresent(ProactiveScheduler::wake);
    }

    /**
     * Sends {@link #notice()} once to each Master chat, the first time the loop could spend
     * (remembered in {@code agent_settings} across restarts and replicas); nothing when off.
     */
    public void sendFirstRunNotice(MasterChannel master, Repositories repositories, Clock clock) {
        notice.ifPresent(text -> scheduler.orElseThrow().firstRunNotice(new FirstRunNotice(master, repositories.settings(), text, clock)));
    }

    /** The first-run notice when the loop will run: what it does, how to feed and pause it. */
    public Optional<String> notice() {
        return notice;
    }

    @Override
    public List<Lifecycle> components() {
        return scheduler.<List<Lifecycle>>map(List::of).orElse(List.of());
    }
}
