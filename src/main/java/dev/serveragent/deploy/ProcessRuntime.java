package dev.serveragent.deploy;

import dev.serveragent.config.DeployConfig;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases as files under {@code DATA_DIR/releases/<sha>/}, each run as a child process started
 * in a session of its own ({@code setsid}), so it outlives the deploy command and survives the
 * agent that triggered the deploy being stopped. {@code releases/agent.pid} names the running
 * pid and SHA. Releases share the one configured port (SO_REUSEPORT): with {@code
 * DEPLOY_ZERO_DOWNTIME} (the default) the next one starts beside the running one and the old one
 * is stopped only once the new is healthy, so no moment passes without an instance answering;
 * otherwise (or when nothing runs) the running one is stopped first (see docs/DEPLOY.md).
 */
public final class ProcessRuntime implements DeployRuntime {
    private static final Logger log = LoggerFactory.getLogger(ProcessRuntime.class);
    /** How long a stopped instance gets to finish in-flight work before it is killed. */
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /** How long the port may stay busy after the instance exited (sockets closing). */
    static final Duration PORT_RELEASE = Duration.ofSeconds(5);

    private final DeployConfig config;
    private final Shell shell;
    private final Path workingDir;
    private final Path pidFile;
    private volatile Process started;
    private volatile String startedSha;
    private volatile ProcessHandle previous;
    private volatile Path startedLog;
    private volatile long startedLogOffset;

    /** Instances run in {@code workingDir} (where the agent's {@code .env} files are). */
    public ProcessRuntime(DeployConfig config, Shell shell, Path workingDir) {
        this.config = config;
        this.shell = shell;
        this.workingDir = workingDir;
        this.pidFile = config.releasesDir().resolve("agent.pid");
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public String build(String sha, Path checkout) {
        Shell.Result r = shell.sh(config.buildCommand(), checkout, BuildLeftovers.markerFor(checkout));
        if (!r.ok()) {
            throw new DeployException("build failed (exit " + r.exitCode() + "): " + r.reason());
        }
        Path built = checkout.resolve(config.artifact());
        if (!Files.isRegularFile(built)) {
            throw new DeployException("build produced no " + config.artifact());
        }
        Path target = artifactOf(sha);
        try {
            Files.createDirectories(target.getParent());
            Files.copy(built, target, StandardCopyOption.REPLACE_EXISTING);
            return "artifact " + target + " (" + Files.size(target) / 1024 + " KiB, built in " + r.took().toSeconds() + " s)";
        } catch (IOException e) {
            throw new DeployException("cannot keep the artifact under " + target.getParent() + ": " + e.getMessage(), e);
        }
    }

    Path artifactOf(String sha) {
        return config.releasesDir().resolve(sha).resolve(Path.of(config.artifact()).getFileName());
    }

    /**
     * Makes the release's AOT cache when its start command is the default {@code java -jar} and
     * this JDK (the one that starts it) makes caches; see {@link AotCache}.
     */
    @Override
    public Optional<String> prepareStart(String sha) {
        if (!config.aotCache() || config.startCommand().isPresent()) {
            return Optional.empty();
        }
        if (Runtime.version().feature() < AotCache.FIRST_JDK) {
            return Optional.of("none: the deploy runs on Java " + Runtime.version().feature()
                    + "; Java " + AotCache.FIRST_JDK + " or newer makes one");
        }
        return Optional.of(new AotCache(javaPath(), config.aotTrainingTimeout()).make(artifactOf(sha), shell.environment()));
    }

    /** {@code -XX:AOTCache=<file> } when the release has a cache this JDK can use, else nothing. */
    private String aotOption(Path artifact) {
        Path cache = AotCache.of(artifact);
        boolean usable = config.aotCache() && Runtime.version().feature() >= AotCache.FIRST_JDK && Files.isRegularFile(cache);
        return usable ? " " + Shell.quote("-XX:AOTCache=" + cache) : "";
    }

    @Override
    public boolean hasRelease(String sha) {
        return Files.isRegularFile(artifactOf(sha));
    }

    @Override
    public void stop() {
        current().ifPresent(ProcessRuntime::terminate);
        deletePidFile();
        awaitPortFree();
    }

    /** SIGTERM (the agent stops accepting, finishes in-flight requests and exits), SIGKILL after {@link #STOP_GRACE}. */
    private static String terminate(ProcessHandle h) {
        log.info("Stopping release pid {}", h.pid());
        long t0 = System.nanoTime();
        h.destroy();
        try {
            h.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            return "pid " + h.pid() + " drained and exited in " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms";
        } catch (TimeoutException e) {
            log.warn("pid {} still running after {} s: killing it", h.pid(), STOP_GRACE.toSeconds());
            h.destroyForcibly();
            h.onExit().join();
            return "pid " + h.pid() + " killed after " + STOP_GRACE.toSeconds() + " s";
        } catch (Exception e) {
            throw new DeployException("cannot stop pid " + h.pid() + ": " + e, e);
        }
    }

    @Override
    public boolean startsBeside() {
        return config.zeroDowntime() && current().isPresent();
    }

    @Override
    public void startBeside(String sha) {
        previous = current().orElseThrow(() -> new DeployException("no running release to start beside"));
        launch(sha);
    }

    @Override
    public long startedPid() {
        Process p = started;
        return p == null ? -1 : p.pid();
    }

    @Override
    public String retirePrevious() {
        ProcessHandle old = previous;
        writePidFile();
        previous = null;
        return old == null || !old.isAlive() ? "no previous instance was running" : terminate(old);
    }

    @Override
    public void stopStarted() {
        Process p = started;
        if (p != null && p.isAlive()) {
            terminate(p.toHandle());
        }
    }

    private void awaitPortFree() {
        long deadline = System.nanoTime() + PORT_RELEASE.toNanos();
        while (portInUse()) {
            if (System.nanoTime() > deadline) {
                throw new DeployException("port " + config.port() + " is still in use by a process the deploy did not start"
                        + " (no " + pidFile + "); stop it by hand (e.g. the service unit) and deploy again");
            }
            sleep(Duration.ofMillis(100));
        }
    }

    private boolean portInUse() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", config.port()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String clearCaches() {
        Path cache = config.releasesDir().getParent().resolve("cache");
        if (!Files.exists(cache)) {
            return "no cache to clear";
        }
        FileTrees.delete(cache);
        return "cleared " + cache;
    }

    @Override
    public void start(String sha) {
        launch(sha);
        writePidFile();
    }

    private void writePidFile() {
        try {
            Files.writeString(pidFile, started.pid() + " " + startedSha + "\n");
        } catch (IOException e) {
            throw new DeployException("cannot write " + pidFile + ": " + e.getMessage(), e);
        }
    }

    private void launch(String sha) {
        Path artifact = artifactOf(sha);
        if (!Files.isRegularFile(artifact)) {
            throw new DeployException("release " + sha + " is no longer kept (" + artifact + " is missing)");
        }
        String command = config.startCommand().orElse(Shell.quote(javaPath()) + aotOption(artifact) + " -jar {artifact} serve")
                .replace("{artifact}", Shell.quote(artifact.toString()));
        List<String> argv = new ArrayList<>();
        // A session of its own: no hang-up or group signal reaches it when the deploy (or the
        // agent that ran the git merge) goes away. setsid execs in place, so the pid is the agent's.
        shell.which("setsid").ifPresent(p -> argv.add(p.toString()));
        argv.addAll(List.of("sh", "-c", "exec " + command));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(workingDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(artifact.resolveSibling("agent.log").toFile()));
        pb.environment().clear();
        pb.environment().putAll(shell.environmentWith(Map.of(
                "PORT", Integer.toString(config.port()), "SERVER_AGENT_RELEASE", sha)));
        try {
            startedLog = artifact.resolveSibling("agent.log");
            startedLogOffset = Files.exists(startedLog) ? Files.size(startedLog) : 0;
            started = pb.start();
            startedSha = sha;
        } catch (IOException e) {
            throw new DeployException("cannot start release " + sha + ": " + e.getMessage(), e);
        }
        log.info("Started release {} as pid {} on port {}", sha, started.pid(), config.port());
    }

    @Override
    public boolean running() {
        Process p = started;
        return p != null && p.isAlive();
    }

    @Override
    public String failureDetails() {
        Process p = started;
        if (p == null) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        try (var in = Files.newInputStream(startedLog)) {
            in.skipNBytes(startedLogOffset);
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("\t") && !line.stripLeading().startsWith("at ")) {
                    lines.add(line.strip());
                }
            }
        } catch (IOException e) {
            lines.add("(its output " + startedLog + " is unreadable: " + e.getMessage() + ")");
        }
        // The agent's CLI prints its fatal error as one "server-agent: ..." line: the best summary.
        String said = lines.stream().filter(l -> l.startsWith("server-agent:")).findFirst()
                .orElse(String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
        // A failed migration's own words (its SQL error) are often on a line of their own.
        Optional<String> first = FirstError.in(String.join("\n", lines));
        if (first.isPresent() && !said.contains(first.get())) {
            said = said + (said.isEmpty() ? "" : " — ") + first.get();
        }
        String status = p.isAlive() ? "still running" : "exit " + p.exitValue();
        return status + (said.isEmpty() ? "" : "; " + (said.length() > 600 ? said.substring(0, 600) + "…" : said));
    }

    /** What {@code agent.pid} says runs: {@code <pid> <sha>}. */
    private record PidFile(long pid, String sha) {}

    private Optional<PidFile> readPidFile() {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            String[] parts = Files.readString(pidFile).strip().split("\\s+");
            return Optional.of(new PidFile(Long.parseLong(parts[0]), parts.length > 1 ? parts[1] : ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The running instance named by the pid file, if it is alive and really one of our releases. */
    Optional<ProcessHandle> current() {
        return readPidFile().flatMap(this::alive);
    }

    private Optional<ProcessHandle> alive(PidFile f) {
        // A reused pid belongs to someone else: only a command line naming our releases is ours.
        return ProcessHandle.of(f.pid()).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains(config.releasesDir().toString())).orElse(true));
    }

    /** The SHA of the running instance, per the pid file. */
    public Optional<String> currentSha() {
        return readPidFile().filter(f -> alive(f).isPresent() && !f.sha().isEmpty()).map(PidFile::sha);
    }

    @Override
    public void prune(Set<String> keep) {
        if (!Files.isDirectory(config.releasesDir())) {
            return;
        }
        Optional<String> current = currentSha();
        try (Stream<Path> dirs = Files.list(config.releasesDir())) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                String sha = d.getFileName().toString();
                if (!keep.contains(sha) && !current.equals(Optional.of(sha))) {
                    log.info("Pruning release {}", sha);
                    FileTrees.delete(d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code java} of this JVM: releases run on the JDK the deploy runs on. */
    private static String javaPath() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeployException("interrupted", e);
        }
    }
}
