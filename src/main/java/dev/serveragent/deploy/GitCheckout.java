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
            throw new DeployException("git clone of " + repo + " failed (exit " + clone.exitCode() + "): " + clone.lastLine());
        }
        Shell.Result co = git(List.of("-C", dir.toString(), "checkout", "--quiet", "--detach", sha), Path.of("/"));
        if (!co.ok()) {
            throw new DeployException("git checkout of " + sha + " failed (exit " + co.exitCode() + "): " + co.lastLine());
        }
        return dir;
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
