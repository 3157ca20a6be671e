package dev.serveragent.proactive;

import dev.serveragent.budget.BudgetGovernor;
import dev.serveragent.budget.BudgetPolicy;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.config.ProactiveConfig;
import dev.serveragent.store.LeaderLock;
import dev.serveragent.store.LedgerRepository;
import dev.serveragent.store.MemoryRepository;
import dev.serveragent.store.ProactiveStateRepository;
import dev.serveragent.testing.TestDatabase;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One app replica's proactive side, wired as {@code Application} wires it, against a test
 * database: fixture with defaults (budget 7M, Master chat 42, leader connection straight to the
 * database).
 */
final class Replica implements AutoCloseable {
    static final long MASTER_CHAT = 42;

    final ProactiveScheduler scheduler;
    final ProactiveControl control;
    final RecordingOutbox outbox = new RecordingOutbox();
    final List<String> proposals = new CopyOnWriteArrayList<>();
    final ProactiveStateRepository state;
    final MasterChannel master;

    /**
     * With work always there: the tests from before the agenda drive cycles directly; whether the
     * loop has work at all is {@code ProactiveIdleTest}'s subject (with the real agenda check).
     */
    Replica(TestDatabase db, ProactiveConfig config, ClaudeRunner runner, Clock clock, String name, LeaderLock.ConnectionSource leaderConnection) {
        this(db, config, runner, clock, name, leaderConnection, () -> true);
    }

    Replica(TestDatabase db, ProactiveConfig config, ClaudeRunner runner, Clock clock, String name, LeaderLock.ConnectionSource leaderConnection,
            ProactiveWork work) {
        this(db, config, runner, clock, name, leaderConnection, work, List::of);
    }

    /** With the Master's standing goals in the prompt, as {@code Application} wires them from the agenda. */
    Replica(TestDatabase db, ProactiveConfig config, ClaudeRunner runner, Clock clock, String name, LeaderLock.ConnectionSource leaderConnection,
            ProactiveWork work, java.util.function.Supplier<List<String>> goals) {
        state = new ProactiveStateRepository(db.jdbi());
        BudgetGovernor governor = new BudgetGovernor(BudgetPolicy.of(config));
        control = new ProactiveControl(true, state, governor, clock);
        MemoryRepository memory = new MemoryRepository(db.jdbi());
        master = new MasterChannel(outbox,
                new dev.serveragent.masters.Masters(
                        List.of(dev.serveragent.channel.MasterNaming.listedOrPaired("telegram", List.of(MASTER_CHAT))), new dev.serveragent.store.MasterRepository(db.jdbi()), clock),
                true, false, new dev.serveragent.store.ThreadRepository(db.jdbi(), clock));
        ProposalSink sink = (plan, reason) -> proposals.add(plan + " | " + reason);
        scheduler = new ProactiveScheduler(config, governor, runner, new LedgerRepository(db.jdbi()), state,
                new ProactivePrompt(memory, goals), new MemoryWriteback(memory, master, sink, config.notableThreshold()), control,
                new LeaderLock(leaderConnection, ProactiveScheduler.LEADER_LOCK_KEY), clock, name, work);
    }

    Replica(TestDatabase db, ProactiveConfig config, ClaudeRunner runner, Clock clock, String name) {
        this(db, config, runner, clock, name, () -> db.database().dedicatedConnection("test-" + name));
    }

    static ProactiveConfig config(long budget) {
        return ProactiveConfig.defaults(true, budget);
    }

    @Override
    public void close() {
        scheduler.stop();
    }
}
