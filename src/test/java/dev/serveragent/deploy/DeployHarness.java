package dev.serveragent.deploy;

import dev.serveragent.Main;
import dev.serveragent.store.DeploymentRepository;
import dev.serveragent.store.DeploymentRepository.Deployment;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@code server-agent deploy} in-process (the real CLI and wiring) against a test database,
 * a fixture repository and a fake Telegram, and cleans up every process it started.
 */
final class DeployHarness implements AutoCloseable {
    static final long MASTER = 4242L;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path root;
    final Path dataDir;
    final TestDatabase db;
    final FakeTelegram telegram;
    final int port;
    final Map<String, String> env = new HashMap<>();
    final DeploymentRepository deployments;

    DeployHarness(Path root, TestDatabase db, FakeTelegram telegram, Path repo) throws IOException {
        this.root = root;
        this.dataDir = root.resolve("data");
        this.db = db;
        this.telegram = telegram;
        this.port = dev.serveragent.testing.FreePorts.next();
        this.deployments = new DeploymentRepository(db.jdbi());
        env.put("PATH", System.getenv("PATH"));
        Optional.ofNullable(System.getenv("HOME")).ifPresent(h -> env.put("HOME", h));
        env.put("DATABASE_URL", db.databaseUrlEnv());
        env.put("FIXTURE_PG_URL", "postgresql://" + db.url().user().map(u -> u + "@").orElse("")
                + db.url().jdbcUrl().substring("jdbc:postgresql://".length()).replaceFirst("\\?.*", ""));
        env.put("DATA_DIR", dataDir.toString());
        env.put("DEPLOY_REPO", repo.toString());
        env.put("DEPLOY_PORT", Integer.toString(port));
        env.put("DEPLOY_HEALTH_TIMEOUT_SECONDS", "5");
        env.put("DEPLOY_TEST_COMMAND", FixtureRepo.TEST);
        env.put("DEPLOY_BUILD_COMMAND", FixtureRepo.BUILD);
        env.put("DEPLOY_ARTIFACT", FixtureRepo.ARTIFACT);
        env.put("DEPLOY_START_COMMAND", FixtureRepo.START);
        env.put("TELEGRAM_BOT_TOKEN", TelegramFixtures.TOKEN);
        env.put("TELEGRAM_WEBHOOK_SECRET", "hook-secret");
        env.put("TELEGRAM_API_URL", telegram.url());
        env.put("MASTER_CHAT_IDS", Long.toString(MASTER));
        Files.createDirectories(root.resolve("home"));
    }

    /** {@code server-agent deploy <args>}; returns the exit code. */
    int deploy(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "deploy";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.run(env, root.resolve("home"), all);
    }

    /** What the instance on the deploy port says its version is, or empty when nothing answers. */
    Optional<String> servedVersion() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/version"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(r.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The pid in the process runtime's pid file. */
    long runningPid() throws IOException {
        return Long.parseLong(Files.readString(dataDir.resolve("releases/agent.pid")).strip().split("\\s+")[0]);
    }

    /**
     * The instance the pid file names, if it still runs and is ours (its command line names this
     * harness's directory). A pid file outlives its process, and pids are reused (32,768 of them
     * here): killing a stale one once killed a backend of the tests' shared Postgres, which then reset
     * every test's connections. {@code ProcessRuntime.current()} checks the same.
     */
    Optional<ProcessHandle> runningInstance() {
        try {
            return ProcessHandle.of(runningPid()).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().commandLine().map(c -> c.contains(root.toString())).orElse(false));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no pid file: nothing runs outside this JVM's children
        }
    }

    List<Deployment> rows() {
        return db.jdbi().withHandle(h -> h.createQuery("select id from deployments order by id").mapTo(Long.class).list())
                .stream().map(id -> deployments.find(id).orElseThrow()).toList();
    }

    /** Every report sent to the Master (smoke messages excluded). */
    List<String> reports() {
        return telegram.calls("sendMessage").stream().filter(c -> c.param("chat_id").equals(Long.toString(MASTER)))
                .map(c -> c.param("text")).filter(t -> !t.startsWith("Deploy smoke test")).toList();
    }

    /**
     * Kills every process started under this harness's directory: the fixture instances still
     * children of this JVM, and the one named by the pid file (orphaned when a deploy ran in a JVM of its own).
     */
    @Override
    public void close() {
        List<ProcessHandle> ours = new java.util.ArrayList<>(ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains(root.toString())).orElse(false)).toList());
        runningInstance().filter(p -> !ours.contains(p)).ifPresent(ours::add);
        ours.forEach(ProcessHandle::destroyForcibly);
        ours.forEach(p -> p.onExit().join());
    }
}
