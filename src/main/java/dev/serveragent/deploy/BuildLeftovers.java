package dev.serveragent.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a killed deploy leaves behind: its build and test processes (Maven and its forks, orphaned
 * when the deploy died) and its checkouts under {@code DATA_DIR/builds}. Every build and test
 * command runs with {@link #MARKER} naming its checkout in its environment, which its children
 * inherit, so the leftovers are found through {@code /proc/<pid>/environ} (Linux). Call only under
 * the deploy lock: no live deploy is building then.
 */
final class BuildLeftovers {
    /** Environment variable naming the checkout a build or test process works in. */
    static final String MARKER = "SERVER_AGENT_DEPLOY_CHECKOUT";
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final Path buildsDir;

    BuildLeftovers(Path buildsDir) {
        this.buildsDir = buildsDir.toAbsolutePath().normalize();
    }

    /** The extra environment of a build or test command run in {@code checkout}. */
    static Map<String, String> markerFor(Path checkout) {
        return Map.of(MARKER, checkout.toAbsolutePath().normalize().toString());
    }

    /** Kills leftover build processes and removes leftover checkouts; returns what was done, or empty. */
    String cleanUp() {
        List<ProcessHandle> killed = new ArrayList<>();
        ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid() && ours(p)).forEach(p -> {
            p.destroyForcibly();
            killed.add(p);
        });
        for (ProcessHandle p : killed) {
            try {
                p.onExit().get(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // Still exiting (or not ours to wait for): it was sent SIGKILL, which it cannot ignore.
            }
        }
        List<String> removed = new ArrayList<>();
        if (Files.isDirectory(buildsDir)) {
            try (Stream<Path> dirs = Files.list(buildsDir)) {
                for (Path d : dirs.toList()) {
                    FileTrees.delete(d);
                    removed.add(d.getFileName().toString());
                }
            } catch (IOException e) {
                return "cannot list " + buildsDir + ": " + e.getMessage();
            }
        }
        List<String> done = new ArrayList<>();
        if (!killed.isEmpty()) {
            done.add("killed " + killed.size() + " leftover build process(es) (pid " + killed.stream()
                    .map(p -> Long.toString(p.pid())).reduce((a, b) -> a + ", " + b).orElse("") + ")");
        }
        if (!removed.isEmpty()) {
            done.add("removed leftover checkout(s) " + String.join(", ", removed));
        }
        return String.join("; ", done);
    }

    private boolean ours(ProcessHandle p) {
        try {
            byte[] env = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ"));
            for (String kv : new String(env, StandardCharsets.UTF_8).split("\0")) {
                if (kv.startsWith(MARKER + "=") && Path.of(kv.substring(MARKER.length() + 1)).normalize().startsWith(buildsDir)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | SecurityException | java.nio.file.InvalidPathException e) {
            // Gone already, or another user's process: not a build of ours.
            return false;
        }
    }
}
