package dev.serveragent.claude;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Killing a run's whole process tree. Claude Code starts shells and tools of its own; killing only
 * the CLI would leave them running (and holding its stdout open, so our reader would never see
 * end of file).
 *
 * <p>Runs start through {@code setsid}, which makes the CLI the leader of a new process group that
 * its descendants inherit. A kill then takes the descendants Java still sees <em>and</em> every
 * member of that group found in {@code /proc}, which also catches children orphaned when their
 * parent died first. Without {@code setsid} or {@code /proc} only the visible descendants go.
 */
final class ProcessTree {
    private static final Path PROC = Path.of("/proc");

    private ProcessTree() {}

    /** {@code setsid} from util-linux, if present: it lets a run own a process group. */
    static Optional<Path> findSetsid(Map<String, String> env) {
        return ClaudeCodeRunner.onPath("setsid", env.getOrDefault("PATH", "/usr/bin:/bin"))
                .or(() -> Optional.of(Path.of("/usr/bin/setsid")).filter(Files::isExecutable));
    }

    /** SIGKILLs the process, its descendants and, if it leads one, its process group. */
    static void kill(ProcessHandle root, boolean ownGroup) {
        // Snapshot first: once the root dies its children are re-parented and no longer its descendants.
        List<ProcessHandle> victims = new ArrayList<>();
        victims.add(root);
        victims.addAll(root.descendants().toList());
        if (ownGroup) {
            victims.addAll(groupMembers(root.pid()));
        }
        victims.forEach(ProcessHandle::destroyForcibly);
    }

    /** SIGKILLs whatever is left of a process group whose leader has exited. */
    static void killGroup(long pgid) {
        groupMembers(pgid).forEach(ProcessHandle::destroyForcibly);
    }

    static List<ProcessHandle> groupMembers(long pgid) {
        List<ProcessHandle> out = new ArrayList<>();
        if (!Files.isDirectory(PROC)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (processGroup(dir).orElse(-1L) == pgid) {
                    ProcessHandle.of(pid).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            // /proc unreadable: fall back to the descendants Java can see (the caller adds those)
        }
        return out;
    }

    private static Optional<Long> processGroup(Path procDir) {
        try {
            // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
            String stat = Files.readString(procDir.resolve("stat"), StandardCharsets.UTF_8);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(f[2]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the process vanished while we looked: nothing to kill
        }
    }
}
