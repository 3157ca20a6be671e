package dev.serveragent.deploy;

import dev.serveragent.config.DeployConfig;
import dev.serveragent.store.DeploymentRepository;
import dev.serveragent.store.DeploymentRepository.Deployment;
import dev.serveragent.store.DeploymentRepository.Status;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One deploy of one commit, as a state machine written to {@code deployments}:
 * {@code building} (checkout, build the release) → {@code testing} (unit tests on that checkout)
 * → {@code deploying} (backup, stop, clear caches, start, integrity test) → {@code healthy}, or
 * {@code rolled_back} (the previous healthy release restarted and healthy again), or
 * {@code failed} (tests or build failed and nothing was restarted, or no way back: manual action).
 * Every attempt ends in a final status with its report, which the Master also receives.
 * Not thread-safe: callers hold the {@link DeployLock}.
 */
public final class DeployPipeline {
    private static final Logger log = LoggerFactory.getLogger(DeployPipeline.class);

    private static final String NOTHING_RESTARTED = "nothing: the running version was left as it is";

    /** How a deploy ended. */
    public record Outcome(long deploymentId, Status status, String report) {}

    private final DeployConfig config;
    private final DeploymentRepository deployments;
    private final DeployRuntime runtime;
    private final GitCheckout git;
    private final Shell shell;
    private final HealthCheck health;
    private final MasterNotifier master;
    private final DatabaseBackup backups;
    private final Clock clock;

    public DeployPipeline(DeployConfig config, DeploymentRepository deployments, DeployRuntime runtime, GitCheckout git,
            Shell shell, HealthCheck health, MasterNotifier master, DatabaseBackup backups, Clock clock) {
        this.config = config;
        this.deployments = deployments;
        this.runtime = runtime;
        this.git = git;
        this.shell = shell;
        this.health = health;
        this.master = master;
        this.backups = backups;
        this.clock = clock;
    }

    /** Deploys {@code sha} (a full commit SHA of the deploy repository) in a new row. */
    public Outcome deploy(String sha) {
        return deploy(deployments.begin(sha, config.branch(), runtime.name(), clock.instant()), sha);
    }

    /** Deploys {@code sha} in row {@code id} ({@code queued} while it waited for the lock, or {@code building}). */
    public Outcome deploy(long id, String sha) {
        if (deployments.find(id).map(d -> d.status().equals(Status.QUEUED.db())).orElse(false)) {
            deployments.advance(id, Status.BUILDING);
        }
        DeployReport report = new DeployReport(sha, config.branch(), runtime.name());
        Optional<Deployment> previous = deployments.lastHealthy(runtime.name());
        report.add("Previous healthy", previous.map(d -> d.gitSha() + " (deployment #" + d.id() + ")").orElse("none"));
        Path checkout = null;
        try {
            checkout = git.checkout(sha);
            report.add("Changes", git.changes(checkout, previous.map(Deployment::gitSha), sha));
            report.add("Build", runtime.build(sha, checkout));
            deployments.advance(id, Status.TESTING);
            Shell.Result tests = shell.sh(config.testCommand(), checkout, BuildLeftovers.markerFor(checkout));
            report.add("Tests", TestSummary.of(tests));
            if (!tests.ok()) {
                report.add("Restarted", NOTHING_RESTARTED);
                return finish(id, Status.FAILED, Optional.of("unit tests failed: " + tests.reason()), report);
            }
            runtime.prepareStart(sha).ifPresent(note -> report.add("Start-up cache", note));
            deployments.advance(id, Status.DEPLOYING);
        } catch (RuntimeException e) {
            report.add("Restarted", NOTHING_RESTARTED);
            return finish(id, Status.FAILED, Optional.of(words(e)), report);
        } finally {
            if (checkout != null) {
                git.remove(checkout);
            }
        }
        return swap(id, sha, previous, report);
    }

    private Outcome swap(long id, String sha, Optional<Deployment> previous, DeployReport report) {
        DatabaseBackup.Backup backup;
        String schemaBefore;
        try {
            backup = backups.take(previous.map(Deployment::gitSha).orElse("initial"), clock.instant());
            report.add("Backup", backup.note());
            schemaBefore = deployments.schemaFingerprint();
        } catch (RuntimeException e) {
            report.add("Restarted", NOTHING_RESTARTED);
            return finish(id, Status.FAILED, Optional.of("backup before the swap failed: " + words(e)), report);
        }
        if (runtime.startsBeside()) {
            Optional<Outcome> beside = swapBeside(id, sha, previous, backup, schemaBefore, report);
            if (beside.isPresent()) {
                return beside.get();
            }
        }
        Optional<String> failure;
        try {
            runtime.stop();
            report.add("Caches", runtime.clearCaches());
            runtime.start(sha);
            failure = health.await(config.port(), config.healthTimeout(), runtime::running);
            if (failure.isEmpty()) {
                failure = smokeTest(sha, report);
            }
        } catch (RuntimeException e) {
            failure = Optional.of(words(e));
        }
        if (failure.isPresent()) {
            String details = runtime.failureDetails();
            failure = Optional.of(failure.get() + (details.isEmpty() ? "" : " (new instance: " + details + ")"));
        }
        if (failure.isEmpty()) {
            report.add("Integrity", "/healthz and /readyz answered 200 on port " + config.port());
            Outcome done = finish(id, Status.HEALTHY, Optional.empty(), report);
            pruneReleases(sha);
            return done;
        }
        return rollback(id, previous, backup, schemaBefore, failure.get(), report);
    }

    /**
     * The zero-downtime swap: the new release starts beside the running one on the shared port,
     * becomes healthy, then the old one drains and exits. A new release that fails is stopped and
     * the old one never stopped serving. Empty when the running release cannot share its port
     * (a version from before SO_REUSEPORT): the caller then stops it first.
     */
    private Optional<Outcome> swapBeside(long id, String sha, Optional<Deployment> previous, DatabaseBackup.Backup backup,
            String schemaBefore, DeployReport report) {
        Optional<String> failure;
        try {
            report.add("Caches", runtime.clearCaches());
            runtime.startBeside(sha);
            failure = new InstanceHealth("127.0.0.1").await(config.port(), runtime.startedPid(), config.healthTimeout(), runtime::running);
            if (failure.isEmpty()) {
                failure = smokeTest(sha, report);
            }
        } catch (RuntimeException e) {
            failure = Optional.of(words(e));
        }
        if (failure.isEmpty()) {
            report.add("Integrity", "/healthz and /readyz of the new instance (pid " + runtime.startedPid() + ") answered 200 on port " + config.port());
            report.add("Swap", "zero downtime: started beside the running release, then " + runtime.retirePrevious());
            Outcome done = finish(id, Status.HEALTHY, Optional.empty(), report);
            pruneReleases(sha);
            return Optional.of(done);
        }
        String details = runtime.failureDetails();
        runtime.stopStarted();
        if (details.contains("already in use")) {
            report.add("Swap", "the running release does not share its port (no SO_REUSEPORT): stopped it first");
            return Optional.empty();
        }
        String reason = failure.get() + (details.isEmpty() ? "" : " (new instance: " + details + ")");
        try {
            restoreSchemaIfChanged(backup, schemaBefore, report);
        } catch (RuntimeException e) {
            report.add("Database", "restore failed: " + words(e));
        }
        if (previous.isPresent() && health.healthyNow(config.port())) {
            report.add("Rollback", previous.get().gitSha() + " kept serving throughout; the new instance was stopped");
            return Optional.of(finish(id, Status.ROLLED_BACK, Optional.of(reason), report));
        }
        return Optional.of(rollback(id, previous, backup, schemaBefore, reason, report));
    }

    private Optional<String> smokeTest(String sha, DeployReport report) {
        Optional<String> off = master.unavailable();
        if (off.isPresent()) {
            report.add("Smoke", "skipped: " + off.get());
            return Optional.empty();
        }
        Optional<String> failed = master.send("Deploy smoke test: " + sha + " is up; report follows.");
        report.add("Smoke", failed.map(f -> "sendMessage failed: " + f).orElse("sendMessage to the Master succeeded"));
        return failed.map(f -> "smoke Telegram sendMessage failed: " + f);
    }

    private Outcome rollback(long id, Optional<Deployment> previous, DatabaseBackup.Backup backup, String schemaBefore,
            String reason, DeployReport report) {
        if (previous.isEmpty() || !runtime.hasRelease(previous.get().gitSha())) {
            report.add("Manual action needed", previous.isEmpty()
                    ? "there is no healthy deployment to return to; the failed version was left as it is"
                    : "the last healthy release " + previous.get().gitSha() + " is no longer kept; the failed version was left as it is");
            return finish(id, Status.FAILED, Optional.of(reason), report);
        }
        String back = previous.get().gitSha();
        try {
            runtime.stop();
            restoreSchemaIfChanged(backup, schemaBefore, report);
            runtime.start(back);
            Optional<String> again = health.await(config.port(), config.healthTimeout(), runtime::running);
            if (again.isEmpty()) {
                report.add("Rollback", "restarted " + back + ", healthy again");
                return finish(id, Status.ROLLED_BACK, Optional.of(reason), report);
            }
            report.add("Rollback", "restarted " + back + " but it is not healthy: " + again.get());
        } catch (RuntimeException e) {
            report.add("Rollback", "to " + back + " failed: " + words(e));
        }
        report.add("Manual action needed", "neither the new nor the previous version is healthy");
        return finish(id, Status.FAILED, Optional.of(reason), report);
    }

    private void restoreSchemaIfChanged(DatabaseBackup.Backup backup, String schemaBefore, DeployReport report) {
        if (deployments.schemaFingerprint().equals(schemaBefore)) {
            report.add("Database", "schema unchanged by the failed version: no restore needed");
        } else if (backup.file().isEmpty()) {
            report.add("Database", "schema changed by the failed version and there is no backup to restore: check it by hand");
        } else {
            backups.restore(backup.file().get());
            report.add("Database", "schema changed by the failed version: restored " + backup.file().get().getFileName());
        }
    }

    private void pruneReleases(String current) {
        try {
            Set<String> keep = new HashSet<>(deployments.recentHealthyShas(runtime.name(), config.keepReleases()));
            keep.add(current);
            runtime.prune(keep);
        } catch (RuntimeException e) {
            // The deploy succeeded; an old release left on disk is only space, and the next deploy retries.
            log.warn("Pruning old releases failed: {}", words(e));
        }
    }

    private Outcome finish(long id, Status status, Optional<String> reason, DeployReport report) {
        reason.ifPresent(r -> report.add(status == Status.ROLLED_BACK ? "Rollback reason" : "Failure", r));
        String text = report.render(status);
        deployments.finish(id, status, reason, text, clock.instant());
        log.info("Deployment #{} of {} ended {}", id, report.sha(), status.db());
        master.send(text).ifPresent(f -> log.warn("The report did not reach the Master ({}); it is stored in deployments #{}", f, id));
        return new Outcome(id, status, text);
    }

    /** A deploy step's own message; anything unexpected with its type, which is then the clue. */
    static String words(RuntimeException e) {
        return e instanceof DeployException ? e.getMessage() : e.toString();
    }
}
