package dev.serveragent.deploy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pipeline's commands (git, build, tests, docker, pg_dump) to completion with a bound,
 * in a given environment, keeping the tail of their combined output for reports. A command that
 * outlives its bound is killed with its whole process tree. Thread-safe.
 */
public final class Shell {
    private static final Logger log = LoggerFactory.getLogger(Shell.class);
    /** Lines of output kept for reports and errors. */
    static final int TAIL_LINES = 60;

    /** Error-looking lines kept from anywhere in the output, for when the tail holds only noise. */
    static final int NOTABLE_LINES = 40;
    private static final java.util.regex.Pattern NOTABLE = java.util.regex.Pattern.compile("(?i)error|fail|exception|fatal");

    /**
     * How a command ended; {@code output} is the tail of stdout and stderr together, {@code notable}
     * the first error-looking lines of the whole output.
     */
    public record Result(int exitCode, String output, Duration took, List<String> notable) {
        public Result(int exitCode, String output, Duration took) {
            this(exitCode, output, took, List.of());
        }

        public boolean ok() {
            return exitCode == 0;
        }

        /** Why it failed, in one line: the first real error of its output ({@link FirstError}), not its last line. */
        public String reason() {
            return FirstError.in(output).or(() -> FirstError.in(String.join("\n", notable)))
                    .orElseGet(() -> FirstError.reason(output));
        }

        /** The last non-blank line of output, or empty. */
        public String lastLine() {
            String[] lines = output.strip().split("\n");
            return lines[lines.length - 1].strip();
        }
    }

    private final Map<String, String> environment;
    private final Duration timeout;

    /** {@code environment} is the whole environment every command gets (plus per-call additions). */
    public Shell(Map<String, String> environment, Duration timeout) {
        this.environment = Map.copyOf(environment);
        this.timeout = timeout;
    }

    public Map<String, String> environment() {
        return environment;
    }

    /** Runs {@code command} through {@code sh -c} in {@code dir}. */
    public Result sh(String command, Path dir) {
        return sh(command, dir, Map.of());
    }

    /** Runs {@code command} through {@code sh -c} in {@code dir}, with {@code extraEnv} added. */
    public Result sh(String command, Path dir, Map<String, String> extraEnv) {
        return run(List.of("sh", "-c", command), dir, extraEnv);
    }

    /**
     * {@code environment} with {@code javaHome} as {@code JAVA_HOME} and its {@code bin} first on
     * {@code PATH}: builds and tests use the JDK the deploy runs on (the one its hook recorded),
     * not whatever java the shell that ran the merge had.
     */
    public static Map<String, String> withJdk(Map<String, String> environment, Path javaHome) {
        Map<String, String> env = new HashMap<>(environment);
        env.put("JAVA_HOME", javaHome.toString());
        String path = env.getOrDefault("PATH", "");
        env.put("PATH", javaHome.resolve("bin") + (path.isEmpty() ? "" : ":" + path));
        return env;
    }

    public Result run(List<String> argv, Path dir, Map<String, String> extraEnv) {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.environment().putAll(extraEnv);
        long t0 = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new DeployException("cannot run " + argv.getFirst() + ": " + e.getMessage(), e);
        }
        Deque<String> tail = new ArrayDeque<>();
        List<String> notable = new java.util.ArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> drain(p, tail, notable, argv.getFirst()));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new DeployException(String.join(" ", argv) + ": still running after " + timeout.toSeconds() + " s, killed");
            }
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DeployException("interrupted while running " + argv.getFirst(), e);
        }
        synchronized (tail) {
            return new Result(p.exitValue(), String.join("\n", tail), Duration.ofNanos(System.nanoTime() - t0), List.copyOf(notable));
        }
    }

    private static void drain(Process p, Deque<String> tail, List<String> notable, String name) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                log.debug("[{}] {}", name, line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (notable.size() < NOTABLE_LINES && NOTABLE.matcher(line).find()) {
                        notable.add(line);
                    }
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // The process was killed or closed its output: what was read so far is the tail.
        }
    }

    /** {@code s} as one single-quoted word for {@code sh}. */
    public static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Where {@code program} is on this environment's PATH, if anywhere. */
    public Optional<Path> which(String program) {
        String path = environment.getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The environment plus {@code extra}: for processes this class does not wait for. */
    public Map<String, String> environmentWith(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(environment);
        all.putAll(extra);
        return all;
    }
}
