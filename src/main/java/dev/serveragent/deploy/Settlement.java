package dev.serveragent.deploy;

import dev.serveragent.config.DeployConfig;
import dev.serveragent.store.DeploymentRepository;
import dev.serveragent.store.DeploymentRepository.Deployment;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles deploys that were interrupted midway (killed, machine restarted): their rows, left in
 * building/testing/deploying, become {@code failed} with a reason. Under the deploy lock it also
 * checks the agent: when it does not answer healthy, the last healthy release is restarted.
 */
public final class Settlement {
    private static final Logger log = LoggerFactory.getLogger(Settlement.class);
    public static final String REASON = "interrupted: the deploy process ended before the deploy finished (settled at the next start)";

    private final DeployConfig config;
    private final DeploymentRepository deployments;
    private final DeployRuntime runtime;
    private final HealthCheck health;
    private final MasterNotifier master;
    private final Clock clock;

    public Settlement(DeployConfig config, DeploymentRepository deployments, DeployRuntime runtime, HealthCheck health,
            MasterNotifier master, Clock clock) {
        this.config = config;
        this.deployments = deployments;
        this.runtime = runtime;
        this.health = health;
        this.master = master;
        this.clock = clock;
    }

    /**
     * For the agent's start: settles unfinished rows only when no deploy holds the lock (a live
     * deploy is what started this agent, and its row is not interrupted). Returns how many.
     */
    @SuppressWarnings("try") // the lock is held for the block's duration, not used in it
    public static int settleIfIdle(DeploymentRepository deployments, Clock clock) {
        Optional<DeploymentRepository.Lock> lock = deployments.tryLock();
        if (lock.isEmpty()) {
            return 0;
        }
        try (DeploymentRepository.Lock held = lock.get()) {
            List<Deployment> settled = deployments.settleUnfinished(REASON, clock.instant());
            settled.forEach(d -> log.warn("Deployment #{} of {} was interrupted; marked failed", d.id(), d.gitSha()));
            return settled.size();
        }
    }

    /** Under the deploy lock: settles, checks the agent, tells the Master. Empty when nothing was unfinished. */
    public Optional<String> settle() {
        List<Deployment> settled = deployments.settleUnfinished(REASON, clock.instant());
        // Under the lock nothing builds: any build process or checkout is a killed deploy's.
        String cleaned = new BuildLeftovers(config.releasesDir().resolveSibling("builds")).cleanUp();
        if (settled.isEmpty()) {
            if (!cleaned.isEmpty()) {
                log.warn("Left over by an earlier deploy: {}", cleaned);
            }
            return Optional.empty();
        }
        String which = settled.stream().map(d -> "#" + d.id() + " (" + d.gitSha() + ", was " + d.status() + ")")
                .collect(Collectors.joining(", "));
        String report = "Interrupted deploy(s) settled as failed: " + which + ".\n"
                + (cleaned.isEmpty() ? "" : "Cleaned up: " + cleaned + ".\n") + checkAgent();
        log.warn(report);
        master.send(report).ifPresent(f -> log.warn("The settlement report did not reach the Master: {}", f));
        return Optional.of(report);
    }

    private String checkAgent() {
        if (health.healthyNow(config.port())) {
            return "Agent: healthy on port " + config.port() + ".";
        }
        Optional<Deployment> last = deployments.lastHealthy(runtime.name());
        if (last.isEmpty() || !runtime.hasRelease(last.get().gitSha())) {
            return "Agent: not healthy on port " + config.port() + ", and no healthy release to restart: manual action needed.";
        }
        String sha = last.get().gitSha();
        try {
            runtime.stop();
            runtime.start(sha);
            Optional<String> failure = health.await(config.port(), config.healthTimeout(), runtime::running);
            return failure.map(f -> "Agent: was not healthy; restarted " + sha + " but it is still not healthy (" + f
                    + "): manual action needed.").orElse("Agent: was not healthy; restarted " + sha + ", healthy again.");
        } catch (RuntimeException e) {
            return "Agent: was not healthy; restarting " + sha + " failed (" + DeployPipeline.words(e) + "): manual action needed.";
        }
    }
}
