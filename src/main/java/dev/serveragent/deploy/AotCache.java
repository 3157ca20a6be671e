package dev.serveragent.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A release's JDK 25 AOT cache (JEP 483/514): made before the swap by a training run of the
 * release's jar ({@code java -XX:AOTCacheOutput=<cache> -jar <jar> serve --exit-when-ready}, as
 * the {@code ./server-agent} launcher does), kept next to the jar as {@code <jar>.aot}, and used
 * by every start of that release. A cache that cannot be made is one WARN line: the release then
 * starts without it, so a deploy never fails because of the cache.
 */
final class AotCache {
    private static final Logger log = LoggerFactory.getLogger(AotCache.class);
    /** The first JDK whose {@code java} makes a cache in one training run ({@code -XX:AOTCacheOutput}). */
    static final int FIRST_JDK = 25;

    private final String java;
    private final Duration timeout;

    /** {@code java}: the launcher of the JDK that runs the releases; {@code timeout}: the bound of a training run. */
    AotCache(String java, Duration timeout) {
        this.java = java;
        this.timeout = timeout;
    }

    /** The cache of the release whose jar is {@code jar}, whether or not it was made. */
    static Path of(Path jar) {
        return jar.resolveSibling(jar.getFileName() + ".aot");
    }

    /** The training run's output, next to the jar. */
    static Path logOf(Path jar) {
        return jar.resolveSibling("aot-training.log");
    }

    /**
     * Makes {@link #of the cache} of {@code jar} with the environment {@code env} minus its secrets;
     * returns what happened, for the deploy report. Never throws.
     */
    String make(Path jar, Map<String, String> env) {
        Path cache = of(jar);
        Path logFile = logOf(jar);
        long t0 = System.nanoTime();
        Path scratch = null;
        try {
            Files.deleteIfExists(cache);
            // A throwaway working directory: no .env or .env.secrets of the agent is read.
            scratch = Files.createTempDirectory("server-agent-aot-");
            ProcessBuilder pb = new ProcessBuilder(java, "-XX:AOTCacheOutput=" + cache, "-jar", jar.toString(),
                    "serve", "--exit-when-ready")
                    .directory(scratch.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            pb.environment().clear();
            pb.environment().putAll(TrainingEnvironment.of(env, scratch));
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // SIGTERM first: the agent then stops its embedded Postgres, which a SIGKILL would orphan.
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
                return failed(cache, "the training run was still going after " + timeout.toSeconds() + " s and was killed", logFile);
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(cache)) {
                return failed(cache, "the training run " + (p.exitValue() != 0 ? "exited " + p.exitValue() : "wrote no cache"), logFile);
            }
            long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
            log.info("Made the start-up cache {} in {} ms", cache, ms);
            return "made " + cache + " (" + Files.size(cache) / (1024 * 1024) + " MiB) in " + ms + " ms; the release starts with it";
        } catch (IOException | RuntimeException e) {
            return failed(cache, e.toString(), logFile);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(cache, "interrupted", logFile);
        } finally {
            if (scratch != null) {
                FileTrees.delete(scratch);
            }
        }
    }

    private static String failed(Path cache, String reason, Path logFile) {
        try {
            Files.deleteIfExists(cache);
        } catch (IOException e) {
            reason = reason + "; cannot delete the partial " + cache + ": " + e.getMessage();
        }
        log.warn("No start-up cache for {}: {} (see {}); starting without it", cache.getParent(), reason, logFile);
        return "none: " + reason + " (see " + logFile + "); the release starts without it";
    }
}
