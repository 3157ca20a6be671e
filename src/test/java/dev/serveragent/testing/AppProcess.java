package dev.serveragent.testing;

import static org.awaitility.Awaitility.await;

import dev.serveragent.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real application ({@code dev.serveragent.Main}) as a child JVM: a clean environment (only
 * PATH, HOME and LANG pass through) plus the given one, a free loopback port, its database and
 * {@code DATA_DIR}, stdout and stderr in a log file per life. {@link #kill()} is SIGKILL
 * (no shutdown hook runs); {@link #restart()} starts the next life on the same port, database and
 * data directory. {@link #close()} kills it if it still runs. A test class with
 * {@code @ExtendWith(AppProcess.LogsOnFailure.class)} prints the end of every life's log when a test
 * fails (the logs live in the test's temporary directory, which is deleted afterwards).
 *
 * <pre>{@code
 * try (AppProcess app = AppProcess.start("a", db, dataDir, env)) {
 *     app.postUpdate(TelegramFixtures.text(1, MASTER, 1, "hello"));   // 200 once stored
 *     app.kill();
 *     app.restart();
 * }
 * }</pre>
 */
public final class AppProcess implements AutoCloseable {
    /** A child JVM's start, on a shared 2-core machine, with migrations. */
    public static final Duration START = Duration.ofSeconds(60);
    /**
     * JVM options of the test's child JVMs of the agent, for a quicker start on a shared 2-core
     * machine; the code they run is the same. C1 only, a small heap and the serial collector; no
     * bytecode verification of classes off the boot path (javac's output of this build and the
     * dependencies' jars: the surefire JVM, which loads the same classes, still verifies them), which
     * took about a tenth of a start's CPU (issue 20).
     */
    public static final List<String> QUICK_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m", "-Xshare:auto",
            "-XX:+UnlockDiagnosticVMOptions", "-XX:-BytecodeVerificationRemote");
    private static final List<String> INHERITED = List.of("PATH", "HOME", "LANG");
    private static final int LOG_LINES_ON_FAILURE = 120;
    /**
     * Every life's log since the current test began, by the thread that runs the test (test classes
     * run in parallel; a class's tests and their {@code @BeforeEach} run on one thread).
     */
    private static final ConcurrentHashMap<Thread, ConcurrentLinkedQueue<Path>> LOGS = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    private final String name;
    private final Path dataDir;
    private final Map<String, String> env;
    private final int port;
    private final AtomicInteger lives = new AtomicInteger();
    private volatile Process process;
    private volatile Path log;

    private AppProcess(String name, Path dataDir, Map<String, String> env, int port) {
        this.name = name;
        this.dataDir = dataDir;
        this.env = Map.copyOf(env);
        this.port = port;
    }

    /** Starts {@code Main} on {@code db} and {@code dataDir} with {@code env}; returns once {@code /readyz} answers 200. */
    public static AppProcess start(String name, TestDatabase db, Path dataDir, Map<String, String> env) {
        AppProcess app = begin(name, db, dataDir, env);
        app.awaitReady();
        return app;
    }

    /** Starts {@code Main} without waiting for it (start several at once, then {@link #awaitReady()} each). */
    public static AppProcess begin(String name, TestDatabase db, Path dataDir, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.put("DATABASE_URL", db.databaseUrlEnv());
        all.put("DATA_DIR", dataDir.toString());
        all.put("PORT", Integer.toString(FreePorts.next()));
        all.put("BIND_HOST", "127.0.0.1");
        AppProcess app = new AppProcess(name, dataDir, all, Integer.parseInt(all.get("PORT")));
        app.launch();
        return app;
    }

    /** The next life: same port, database, data directory and environment. The previous one must be dead. */
    public AppProcess restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " still runs: kill() it first");
        }
        launch();
        awaitReady();
        return this;
    }

    private void launch() {
        log = dataDir.resolve(name + "-" + lives.incrementAndGet() + ".log");
        LOGS.computeIfAbsent(Thread.currentThread(), t -> new ConcurrentLinkedQueue<>()).add(log);
        ProcessBuilder pb = new ProcessBuilder(command(Main.class.getName()))
                .directory(dataDir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> !INHERITED.contains(k));
        pb.environment().putAll(env);
        try {
            Files.createDirectories(dataDir);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line of a child JVM running {@code mainClass} with {@code args} on the test's class path, with {@link #QUICK_START}. */
    public static List<String> command(String mainClass, String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(QUICK_START);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /** Waits until {@code /readyz} answers 200; fails at once, with the log, if the process exits. */
    public void awaitReady() {
        await().atMost(START).pollInterval(Duration.ofMillis(100)).ignoreExceptionsMatching(e -> e instanceof UncheckedIOException).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + " before it was ready:\n" + logText());
            }
            return get("/readyz").statusCode() == 200;
        });
    }

    /** SIGKILL, and waits until the process is gone: no shutdown hook, no graceful stop, sockets closed by the kernel. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** This life's log (stdout and stderr). */
    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    /** Posts an update to the webhook as Telegram does; throws {@link UncheckedIOException} when no answer came. */
    public HttpResponse<String> postUpdate(String updateJson) {
        return send(webhook(updateJson));
    }

    /** Posts an update without waiting: the future fails with an {@link IOException} if the process dies first. */
    public CompletableFuture<HttpResponse<String>> postUpdateAsync(String updateJson) {
        return HTTP.sendAsync(webhook(updateJson), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a sample of {@code /metrics} (Prometheus text), e.g. {@code telegram_poll_leader}; NaN when absent. */
    public double metric(String sample) {
        return get("/metrics").body().lines()
                .filter(l -> l.startsWith(sample + " ") || l.startsWith(sample + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(Double.NaN);
    }

    private HttpRequest webhook(String updateJson) {
        return HttpRequest.newBuilder(uri(TelegramFixtures.WEBHOOK))
                .header("X-Telegram-Bot-Api-Secret-Token", TelegramFixtures.SECRET)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(updateJson)).build();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    /** Prints the last lines of every child's log of a failed test to stderr, where surefire keeps them. */
    public static final class LogsOnFailure implements BeforeEachCallback, AfterTestExecutionCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            LOGS.remove(Thread.currentThread());
        }

        @Override
        public void afterTestExecution(ExtensionContext context) {
            if (context.getExecutionException().isEmpty()) {
                return;
            }
            for (Path log : LOGS.getOrDefault(Thread.currentThread(), new ConcurrentLinkedQueue<>())) {
                try {
                    List<String> lines = Files.readAllLines(log);
                    System.err.printf("---- %s: %s, last %d of %d lines%n", context.getDisplayName(), log.getFileName(),
                            Math.min(LOG_LINES_ON_FAILURE, lines.size()), lines.size());
                    lines.subList(Math.max(0, lines.size() - LOG_LINES_ON_FAILURE), lines.size()).forEach(System.err::println);
                } catch (IOException e) {
                    System.err.println("---- " + log + ": unreadable: " + e);
                }
            }
        }
    }
}
