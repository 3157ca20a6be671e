package dev.serveragent.proactive;

import dev.serveragent.channel.MasterNaming;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.config.ProactiveConfig;
import dev.serveragent.masters.MastersModule;
import dev.serveragent.store.LeaderLock;
import dev.serveragent.store.ProactiveStateRepository;
import dev.serveragent.store.Repositories;
import dev.serveragent.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One app replica's proactive side: the {@link ProactiveModule} {@code Application} builds, against
 * a test database, with a recording outbox and proposal sink: fixture with defaults (budget 7M, Master chat 42, leader connection straight to the
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
        Repositories repositories = new Repositories(db.database(), clock);
        state = repositories.proactiveState();
        MastersModule masters = MastersModule.build(List.of(MasterNaming.listedOrPaired("telegram", List.of(MASTER_CHAT))),
                repositories.masters(), clock);
        master = new MasterChannel(outbox, masters.masters(), List.of("telegram"), repositories.threads());
        ProposalSink sink = (plan, reason) -> proposals.add(plan + " | " + reason);
        ProactiveModule module = ProactiveModule.build(config, repositories, runner, master, sink, work, goals, leaderConnection, name, clock,
                new SimpleMeterRegistry());
        control = module.control();
        scheduler = module.scheduler().orElseThrow();
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
