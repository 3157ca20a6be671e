package dev.serveragent;

import dev.serveragent.config.AppConfig;
import dev.serveragent.config.ConfigException;
import dev.serveragent.config.DatabaseUrl;
import dev.serveragent.config.DeployConfig;
import dev.serveragent.deploy.ComposeRuntime;
import dev.serveragent.deploy.DatabaseBackup;
import dev.serveragent.deploy.DeployException;
import dev.serveragent.deploy.DeployLock;
import dev.serveragent.deploy.DeployPipeline;
import dev.serveragent.deploy.DeployRuntime;
import dev.serveragent.deploy.GitCheckout;
import dev.serveragent.deploy.HealthCheck;
import dev.serveragent.deploy.HookInstaller;
import dev.serveragent.deploy.MasterNotifier;
import dev.serveragent.deploy.ProcessRuntime;
import dev.serveragent.deploy.Settlement;
import dev.serveragent.deploy.Shell;
import dev.serveragent.deploy.SystemdUnit;
import dev.serveragent.store.Database;
import dev.serveragent.store.DeploymentRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The {@code deploy}, {@code install-hook} and {@code install-service} commands: the self-update
 * pipeline's composition root, and the systemd unit that keeps the agent on.
 */
final class DeployCommands {
    /** Bound on any one command of the pipeline (build, tests, docker, pg_dump). */
    static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(30);

    private DeployCommands() {}

    @Command(name = "deploy", description = "Test, build and deploy a commit of DEPLOY_REPO, with health checks, rollback"
            + " and a report to the Master. Exit 0 when healthy, 1 when failed or rolled back.")
    static final class Deploy implements Callable<Integer> {
        @ParentCommand
        Main parent;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Option(names = "--sha", paramLabel = "SHA", description = "Commit to deploy (default: the head of DEPLOY_BRANCH).")
        String sha;

        @Option(names = "--settle-only", description = "Only settle interrupted deploys and check the agent.")
        boolean settleOnly;

        @Option(names = "--lock-wait-seconds", defaultValue = "1800", paramLabel = "N",
                description = "How long to wait for a running deploy to end (default: ${DEFAULT-VALUE}).")
        long lockWaitSeconds;

        @Override
        @SuppressWarnings("try") // the lock is held for the block's duration, not used in it
        public Integer call() {
            AppConfig config = parent.loadConfig();
            DeployConfig dc = config.deploy();
            // The deploy stops the agent, and with it an embedded database: it needs a server of its own.
            DatabaseUrl url = config.database().url().orElseThrow(() -> new ConfigException(
                    "DATABASE_URL: required by deploy (the embedded database stops with the agent being replaced)"));
            Clock clock = Clock.systemUTC();
            // Builds and tests use this JVM's JDK: the one the hook recorded, not the merging shell's java.
            Shell shell = new Shell(Shell.withJdk(parent.environment, Path.of(System.getProperty("java.home"))), COMMAND_TIMEOUT);
            try (Database db = Database.open(url, 3, Optional.empty())) {
                DeploymentRepository deployments = new DeploymentRepository(db.jdbi());
                if (!deployments.tableExists()) {
                    // A fresh database (first install): nothing to protect, and the rows need their table.
                    db.migrate();
                }
                DeployRuntime runtime = dc.runtime() == DeployConfig.Runtime.COMPOSE
                        ? new ComposeRuntime(dc, shell)
                        : new ProcessRuntime(dc, shell, parent.workingDir);
                HealthCheck health = new HealthCheck("127.0.0.1");
                // The deploy process has no agent: the Masters, paired ones read from the database, for the notice only.
                MasterNotifier master = new MasterNotifier(config.telegram(), new dev.serveragent.masters.Masters(
                        List.of(dev.serveragent.telegram.TelegramModule.masterNaming(config.telegram())),
                        new dev.serveragent.store.MasterRepository(db.jdbi()), clock));
                GitCheckout git = new GitCheckout(shell, dc.repo(), config.dataDir().resolve("builds"));
                Path lockFile = config.dataDir().resolve("deploy.lock");
                Duration lockWait = Duration.ofSeconds(lockWaitSeconds);
                if (settleOnly) {
                    try (DeployLock lock = DeployLock.acquire(deployments, lockFile, lockWait)) {
                        new Settlement(dc, deployments, runtime, health, master, clock).settle().ifPresent(System.out::println);
                        return 0;
                    }
                }
                String target = git.resolve(sha == null ? dc.branch() : sha);
                // Visible while it waits for a running deploy: a 'queued' row, its waiter marked alive by a lock.
                long id = deployments.queue(target, dc.branch(), runtime.name(), clock.instant());
                try (DeploymentRepository.Lock waiting = deployments.holdQueued(id)) {
                    DeployLock lock;
                    try {
                        lock = DeployLock.acquire(deployments, lockFile, lockWait);
                    } catch (DeployException e) {
                        String report = "Deploy of " + target + " (" + dc.branch() + "): FAILED\nQueued: " + e.getMessage();
                        deployments.finish(id, DeploymentRepository.Status.FAILED, Optional.of(e.getMessage()), report, clock.instant());
                        System.out.println(report);
                        return Main.EXIT_FAILURE;
                    }
                    try (lock) {
                        new Settlement(dc, deployments, runtime, health, master, clock).settle().ifPresent(System.out::println);
                        DatabaseBackup backups = new DatabaseBackup(url, dc.backupsDir(), dc.keepBackups(), shell, deployments);
                        DeployPipeline.Outcome outcome = new DeployPipeline(dc, deployments, runtime, git, shell, health, master,
                                backups, clock).deploy(id, target);
                        System.out.println(outcome.report());
                        return outcome.status() == DeploymentRepository.Status.HEALTHY ? 0 : Main.EXIT_FAILURE;
                    }
                }
            }
        }
    }

    @Command(name = "install-hook", description = "Write the git hooks that deploy DEPLOY_BRANCH of DEPLOY_REPO on merge or push.")
    static final class InstallHook implements Callable<Integer> {
        @ParentCommand
        Main parent;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        @Option(names = "--jar", paramLabel = "PATH", description = "Jar that runs the deploys (default: this one).")
        Path jar;

        @Option(names = "--script", paramLabel = "PATH",
                description = "The build_and_deploy.sh to run (default: deploy/build_and_deploy.sh in DEPLOY_REPO).")
        Path script;

        @Override
        public Integer call() throws Exception {
            AppConfig config = parent.loadConfig();
            DeployConfig dc = config.deploy();
            Path self = jar != null ? jar : Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
            HookInstaller.Target target = new HookInstaller.Target(dc.repo(), dc.branch(),
                    (script != null ? script : dc.repo().resolve("deploy/build_and_deploy.sh")).toAbsolutePath(),
                    self.toAbsolutePath(), java, parent.workingDir.toAbsolutePath(), config.dataDir().resolve("deploy.log"));
            List<Path> hooks = new HookInstaller(new Shell(parent.environment, Duration.ofMinutes(1))).install(target);
            hooks.forEach(h -> System.out.println("wrote " + h));
            if (!Files.isExecutable(target.script())) {
                System.err.println("warning: " + target.script() + " is not there (yet): the hooks run it; pass --script for a bare repository");
            }
            return 0;
        }
    }

    @Command(name = "install-service", description = "Write a systemd unit that keeps the agent running (started at boot,"
            + " restarted on failure) with this JDK, jar, working directory and DATA_DIR, and print the commands that enable it."
            + " As root: a system unit running as SUDO_USER (or USER); otherwise a user unit (systemctl --user).",
            mixinStandardHelpOptions = true, versionProvider = Main.Version.class)
    static final class InstallService implements Callable<Integer> {
        @ParentCommand
        Main parent;

        @Option(names = "--user", description = "Write a user unit (~/.config/systemd/user) even as root.")
        boolean userUnit;

        @Option(names = "--run-as", paramLabel = "USER", description = "System unit: the user it runs as (default: SUDO_USER, else USER).")
        String runAs;

        @Option(names = "--name", defaultValue = SystemdUnit.DEFAULT_NAME, paramLabel = "NAME",
                description = "Unit name (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--jar", paramLabel = "PATH", description = "Jar to run (default: this one).")
        Path jar;

        @Option(names = "--output", paramLabel = "FILE", description = "Where to write the unit (default: where systemd looks for it).")
        Path output;

        @Override
        public Integer call() throws Exception {
            AppConfig config = parent.loadConfig();
            boolean user = userUnit || !isRoot();
            Path self = jar != null ? jar : Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path java = Path.of(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
            SystemdUnit unit = new SystemdUnit(name, java.toAbsolutePath(), self.toAbsolutePath(), parent.workingDir.toAbsolutePath(),
                    config.dataDir(), user ? Optional.empty() : Optional.ofNullable(runAs).or(() -> SystemdUnit.invokingUser(parent.environment)),
                    user);
            Path file = output != null ? output : SystemdUnit.defaultPath(name, user, parent.environment);
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, unit.text());
            System.out.println("wrote " + file.toAbsolutePath());
            System.out.println("Enable and start it:");
            unit.enableCommands().forEach(c -> System.out.println("  " + c));
            if (user) {
                System.out.println("A user unit stops when you log out unless lingering is on: loginctl enable-linger "
                        + SystemdUnit.invokingUser(parent.environment).orElse("$USER"));
            }
            System.out.println("Logs: journalctl " + (user ? "--user " : "") + "-u " + name + " -f");
            return 0;
        }

        private static boolean isRoot() {
            try {
                return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            } catch (Exception e) {
                return false; // not Linux or no /proc: a user unit is the safe choice
            }
        }
    }
}
