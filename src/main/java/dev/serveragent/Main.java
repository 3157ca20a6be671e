package dev.serveragent;

import dev.serveragent.runtime.ServerAgentException;
import dev.serveragent.config.AppConfig;
import dev.serveragent.config.ConfigException;
import dev.serveragent.config.Settings;
import dev.serveragent.store.Database;
import dev.serveragent.store.EmbeddedDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * The command line: {@code serve} (the default), {@code migrate}, {@code deploy}, {@code install-hook},
 * {@code install-service}. Exit codes: 0 done, 1 failed at run time, 2 bad configuration or usage.
 */
@Command(name = "server-agent", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Self-hosted AI agent you talk to in its browser console or over Telegram,",
            "with Postgres as its memory. With no command it serves."},
        usageHelpWidth = 100,
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {
            "Main settings, from the environment, else ./.env, else ./.env.secrets (tokens):",
            "  PORT=8080  BIND_HOST=0.0.0.0  DATA_DIR=./data",
            "  DATABASE_URL          unset: embedded Postgres in DATA_DIR/pg",
            "  ANTHROPIC_API_KEY     the model (or CLAUDE_CODE_OAUTH_TOKEN, or a logged-in claude CLI)",
            "  TELEGRAM_BOT_TOKEN    unset: console only; PUBLIC_URL unset: long polling",
            "  ADMIN_TOKEN           unset: console and dashboard for loopback clients only",
            "  Every setting: .env.example and README.md.",
            "",
            "Talk to it: the console at http://localhost:PORT/console, or Telegram (/pair CODE).",
            "Docs: README.md, docs/OPERATIONS.md (running, always on, Telegram, backups),",
            "  docs/DEPLOY.md (self-update). Exit codes: 0 done, 1 failed, 2 bad configuration."},
        subcommands = {Main.Serve.class, Main.Migrate.class, DeployCommands.Deploy.class, DeployCommands.InstallHook.class,
                DeployCommands.InstallService.class})
public final class Main implements Callable<Integer> {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_CONFIG = 2;
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    final Map<String, String> environment;
    final Path workingDir;

    Main(Map<String, String> environment, Path workingDir) {
        this.environment = environment;
        this.workingDir = workingDir;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(System.getenv(), Path.of("").toAbsolutePath(), args);
        } catch (RuntimeException | Error e) {
            // Still end the process: Jetty's scheduler is not a daemon thread and would keep a
            // half-stopped JVM alive (seen when the jar was replaced under a running instance and
            // stopping it failed to load a class).
            log.error("server-agent failed unexpectedly", e);
            code = EXIT_FAILURE;
        }
        System.exit(code);
    }

    /** Runs the command line against the given environment and directory (of {@code .env} files). */
    public static int run(Map<String, String> environment, Path workingDir, String... args) {
        CommandLine cli = new CommandLine(new Main(environment, workingDir));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("server-agent: configuration error: " + e.getMessage());
                return EXIT_CONFIG;
            }
            if (e instanceof ServerAgentException) {
                cmd.getErr().println("server-agent: " + e.getMessage());
                return EXIT_FAILURE;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        Serve serve = new Serve();
        serve.parent = this;
        return serve.call();
    }

    /** Reads the configuration, first logging which files it comes from (before any error in them). */
    AppConfig loadConfig() {
        Settings settings = Settings.load(environment, workingDir);
        log.info(settings.files().describe());
        return AppConfig.from(settings);
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Run the agent (the default): HTTP, console, Telegram when configured, workers.")
    static final class Serve implements Callable<Integer> {
        @ParentCommand
        Main parent;

        /** For the launcher's training run (the start-up cache): start, report ready, stop. */
        @picocli.CommandLine.Option(names = "--exit-when-ready", hidden = true)
        boolean exitWhenReady;

        @Override
        public Integer call() {
            log.info("server-agent {} starting", Version.current());
            AppConfig config = parent.loadConfig();
            CountDownLatch stop = new CountDownLatch(1);
            // SIGTERM/SIGINT end the wait below, so shutdown is orderly and the exit code is 0.
            for (String name : new String[] {"TERM", "INT"}) {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> stop.countDown());
            }
            if (config.database().url().isEmpty()) {
                // Zero configuration: the embedded Postgres starts on a thread of its own (a process this
                // JVM mostly waits for) while this one initializes what the start needs after it.
                EmbeddedDatabase.startInBackground(config.database().embeddedDataDir());
                StartupWarmUp.run();
            }
            Application app = Application.start(config, Clock.systemUTC());
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(app::close));
            ProcessHandle.Info self = ProcessHandle.current().info();
            // Wall time depends on what else runs on the machine; CPU time much less (bench/startup.sh).
            log.info("server-agent ready on port {} ({} ms after the process started, {} ms of CPU)", app.httpPort(),
                    self.startInstant().map(t -> java.time.Duration.between(t, java.time.Instant.now()).toMillis()).orElse(-1L),
                    self.totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L));
            log.info(app.consoleLine()); // the start-up log's last line says where to go
            if (exitWhenReady) {
                stop.countDown();
            }
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.info("Shutting down");
            app.close();
            return 0;
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = "Apply database migrations and exit.")
    static final class Migrate implements Callable<Integer> {
        @ParentCommand
        Main parent;

        @Override
        public Integer call() {
            AppConfig config = parent.loadConfig();
            EmbeddedDatabase embedded = null;
            try {
                var url = config.database().url();
                if (url.isEmpty()) {
                    embedded = EmbeddedDatabase.start(config.database().embeddedDataDir());
                }
                try (Database db = Database.open(url.orElse(embedded == null ? null : embedded.url()), 2, Optional.empty())) {
                    db.migrate();
                }
            } finally {
                if (embedded != null) {
                    embedded.close();
                }
            }
            return 0;
        }
    }

    /**
     * {@code git describe --tags --always --dirty} of the build (server-agent-git.properties, written by
     * the git-commit-id plugin), else the pom's version from the jar's manifest (a build without .git).
     */
    static final class Version implements CommandLine.IVersionProvider {
        static final String GIT_PROPERTIES = "/server-agent-git.properties";

        @Override
        public String[] getVersion() {
            return new String[] {"server-agent " + current()};
        }

        static String current() {
            String pom = Main.class.getPackage().getImplementationVersion();
            try (var in = Main.class.getResourceAsStream(GIT_PROPERTIES)) {
                if (in != null) {
                    var props = new java.util.Properties();
                    props.load(in);
                    String describe = props.getProperty("git.commit.id.describe", "").strip();
                    if (!describe.isEmpty()) {
                        return pom == null ? describe : describe + " (" + pom + ")";
                    }
                }
            } catch (java.io.IOException e) {
                // Unreadable resource: fall through to the pom's version, which is still true.
            }
            return pom != null ? pom : "unknown (not built by Maven)";
        }
    }
}
