package dev.serveragent.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * Writes the {@code post-merge} and {@code post-receive} hooks into the deploy repository (its
 * hooks directory as git resolves it, so bare repositories and {@code core.hooksPath} work). The
 * hooks run {@code deploy/build_and_deploy.sh} for the deploy branch with the given jar and java.
 */
public final class HookInstaller {
    static final List<String> HOOKS = List.of("post-merge", "post-receive");
    private static final String TEMPLATE = "git-hook.sh";

    /** What the hooks run and where. Paths are absolute. */
    public record Target(Path repo, String branch, Path script, Path jar, Path java, Path home, Path log) {}

    private final Shell shell;

    public HookInstaller(Shell shell) {
        this.shell = shell;
    }

    /** Writes both hooks (replacing earlier ones) and returns their paths. */
    public List<Path> install(Target t) {
        Shell.Result r = shell.run(List.of("git", "-C", t.repo().toString(), "rev-parse", "--git-path", "hooks"), t.repo(), Map.of());
        if (!r.ok()) {
            throw new DeployException(t.repo() + " is not a git repository (DEPLOY_REPO): " + r.reason());
        }
        Path hooksDir = t.repo().resolve(r.lastLine()).normalize();
        String text = template()
                .replace("@BRANCH@", Shell.quote(t.branch()))
                .replace("@SCRIPT@", Shell.quote(t.script().toString()))
                .replace("@LOG@", Shell.quote(t.log().toString()))
                .replace("@JAR@", Shell.quote(t.jar().toString()))
                .replace("@JAVA@", Shell.quote(t.java().toString()))
                .replace("@HOME@", Shell.quote(t.home().toString()));
        try {
            Files.createDirectories(hooksDir);
            List<Path> written = HOOKS.stream().map(hooksDir::resolve).toList();
            for (Path hook : written) {
                Files.writeString(hook, text);
                Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return written;
        } catch (IOException e) {
            throw new DeployException("cannot write hooks into " + hooksDir + ": " + e.getMessage(), e);
        }
    }

    private static String template() {
        try (InputStream in = HookInstaller.class.getResourceAsStream(TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException("hook template " + TEMPLATE + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
