package dev.serveragent.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Fresh, throw-away checkouts of one commit of the deploy repository, under {@code builds/<sha>}.
 * A local clone (objects shared, not copied) leaves the repository itself untouched, bare or not.
 */
public final class GitCheckout {
    private final Shell shell;
    private final Path repo;
    private final Path buildsDir;

    public GitCheckout(Shell shell, Path repo, Path buildsDir) {
        this.shell = shell;
        this.repo = repo;
        this.buildsDir = buildsDir;
    }

    /** The full SHA of {@code revision} (a SHA, a prefix, a branch), or an error naming it. */
    public String resolve(String revision) {
        Shell.Result r = git(List.of("-C", repo.toString(), "rev-parse", "--verify", "--quiet", revision + "^{commit}"), Path.of("/"));
        if (!r.ok() || r.output().isBlank()) {
            throw new DeployException("'" + revision + "' is not a commit of " + repo + " (DEPLOY_REPO)");
        }
        return r.lastLine();
    }

    /** A new checkout of {@code sha}; remove it with {@link #remove}. */
    public Path checkout(String sha) {
        Path dir = buildsDir.resolve(sha);
        FileTrees.delete(dir);
        Shell.Result clone = git(List.of("clone", "--quiet", "--shared", "--no-checkout", repo.toString(), dir.toString()), Path.of("/"));
        if (!clone.ok()) {
            throw new DeployException("git clone of " + repo + " failed (exit " + clone.exitCode() + "): " + clone.reason());
        }
        Shell.Result co = git(List.of("-C", dir.toString(), "checkout", "--quiet", "--detach", sha), Path.of("/"));
        if (!co.ok()) {
            throw new DeployException("git checkout of " + sha + " failed (exit " + co.exitCode() + "): " + co.reason());
        }
        return dir;
    }

    /** At most this many commit subjects in a report. */
    static final int MAX_SUBJECTS = 20;

    /**
     * The commits {@code to} brings over {@code from} (the previous healthy release), newest first,
     * as "abc1234 subject" lines, at most {@link #MAX_SUBJECTS}; without {@code from}, the last ones.
     */
    public String changes(Path checkout, java.util.Optional<String> from, String to) {
        if (from.isPresent() && from.get().equals(to)) {
            return "none: the same commit as the previous healthy release";
        }
        String range = from.map(f -> f + ".." + to).orElse(to);
        Shell.Result count = git(List.of("-C", checkout.toString(), "rev-list", "--count", range), checkout);
        Shell.Result log = git(List.of("-C", checkout.toString(), "log", "--no-decorate", "--format=%h %s",
                "--max-count=" + MAX_SUBJECTS, range), checkout);
        if (!count.ok() || !log.ok()) {
            return "unknown (git log " + range + " failed: " + (count.ok() ? log : count).reason() + ")";
        }
        int n = Integer.parseInt(count.lastLine());
        StringBuilder sb = new StringBuilder(from.isPresent() ? n + " commit(s) since " + from.get().substring(0, Math.min(12, from.get().length()))
                : "first deploy; " + n + " commit(s) in its history");
        log.output().lines().filter(l -> !l.isBlank()).forEach(l -> sb.append("\n  ").append(l.strip()));
        if (n > MAX_SUBJECTS) {
            sb.append("\n  … and ").append(n - MAX_SUBJECTS).append(" more");
        }
        return sb.toString();
    }

    public void remove(Path checkout) {
        FileTrees.delete(checkout);
    }

    private Shell.Result git(List<String> args, Path dir) {
        List<String> argv = new java.util.ArrayList<>();
        argv.add("git");
        argv.addAll(args);
        // Never wait for credentials on a terminal nobody watches.
        return shell.run(argv, dir, Map.of("GIT_TERMINAL_PROMPT", "0"));
    }
}
