package dev.serveragent.deploy;

import dev.serveragent.config.DeployConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Releases as docker images tagged by SHA ({@code DEPLOY_IMAGE:<sha>}), run as the compose
 * service {@code DEPLOY_COMPOSE_SERVICE}. The compose file names its image
 * {@code ${SERVER_AGENT_IMAGE:-server-agent:latest}}; starting a release is {@code docker compose up
 * -d} with that variable set to the release's tag, so a rollback starts the previous tag.
 */
public final class ComposeRuntime implements DeployRuntime {
    /** The compose file's image variable. */
    public static final String IMAGE_VARIABLE = "SERVER_AGENT_IMAGE";

    private final DeployConfig config;
    private final Shell shell;
    private volatile String startedTag;

    public ComposeRuntime(DeployConfig config, Shell shell) {
        this.config = config;
        this.shell = shell;
    }

    @Override
    public String name() {
        return "compose";
    }

    String tag(String sha) {
        return config.image() + ":" + sha;
    }

    @Override
    public String build(String sha, Path checkout) {
        if (config.imageBuildCommand().isPresent()) {
            Shell.Result prep = shell.sh(config.imageBuildCommand().get(), checkout, BuildLeftovers.markerFor(checkout));
            if (!prep.ok()) {
                throw new DeployException("image build preparation failed (exit " + prep.exitCode() + "): " + prep.reason());
            }
        }
        List<String> args = new ArrayList<>(List.of("build", "--tag", tag(sha)));
        config.dockerBuildArgs().forEach(a -> args.addAll(List.of("--build-arg", a)));
        args.add(checkout.toString());
        Shell.Result r = docker(args, BuildLeftovers.markerFor(checkout), checkout);
        if (!r.ok()) {
            throw new DeployException("docker build failed (exit " + r.exitCode() + "): " + r.reason());
        }
        return "image " + tag(sha) + " (built in " + r.took().toSeconds() + " s)";
    }

    @Override
    public boolean hasRelease(String sha) {
        return docker(List.of("image", "inspect", "--format", "{{.Id}}", tag(sha)), Map.of(), config.repo()).ok();
    }

    @Override
    public void stop() {
        Shell.Result r = compose(List.of("stop", config.composeService()), Map.of());
        if (!r.ok()) {
            throw new DeployException("docker compose stop failed (exit " + r.exitCode() + "): " + r.reason());
        }
    }

    @Override
    public String clearCaches() {
        // Dangling layers only: tagged releases (the rollback targets) are never touched here.
        Shell.Result r = docker(List.of("image", "prune", "--force"), Map.of(), config.repo());
        return r.ok() ? "pruned dangling images" : "image prune failed (exit " + r.exitCode() + "), ignored";
    }

    @Override
    public void start(String sha) {
        if (!hasRelease(sha)) {
            throw new DeployException("image " + tag(sha) + " is no longer kept");
        }
        // --no-deps: a deploy swaps the app only; Postgres (and MinIO) go on as they are.
        Shell.Result r = compose(List.of("up", "--detach", "--no-build", "--no-deps", config.composeService()), Map.of(IMAGE_VARIABLE, tag(sha)));
        if (!r.ok()) {
            startedTag = null;
            throw new DeployException("docker compose up of " + tag(sha) + " failed (exit " + r.exitCode() + "): " + r.reason());
        }
        startedTag = tag(sha);
    }

    @Override
    public boolean running() {
        if (startedTag == null) {
            return false;
        }
        // ps --quiet, then inspect: compose v2's "ps --status" is unknown to docker-compose v1.
        Shell.Result ps = compose(List.of("ps", "--quiet", config.composeService()), Map.of(IMAGE_VARIABLE, startedTag));
        String id = ps.ok() && !ps.output().isBlank() ? ps.lastLine() : "";
        return !id.isEmpty() && docker(List.of("inspect", "--format", "{{.State.Running}}", id), Map.of(), config.repo())
                .output().strip().equals("true");
    }

    @Override
    public String failureDetails() {
        if (startedTag == null) {
            return "";
        }
        Shell.Result r = compose(List.of("logs", "--no-color", "--tail", "40", config.composeService()), Map.of(IMAGE_VARIABLE, startedTag));
        if (!r.ok() || r.output().isBlank()) {
            return "";
        }
        // Its own first error (a failed migration's SQL error), else its last words.
        List<String> lines = r.output().strip().lines().toList();
        return FirstError.in(r.output()).map(e -> "its error: " + e)
                .orElse("last log lines: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
    }

    @Override
    public void prune(Set<String> keep) {
        Shell.Result r = docker(List.of("image", "ls", config.image(), "--format", "{{.Tag}}"), Map.of(), config.repo());
        if (!r.ok()) {
            throw new DeployException("docker image ls failed (exit " + r.exitCode() + "): " + r.reason());
        }
        for (String tag : r.output().split("\n")) {
            String t = tag.strip();
            // Only SHA tags are ours to prune; 'latest' and hand-made tags stay.
            if (t.matches("[0-9a-f]{7,40}") && !keep.contains(t) && !tag(t).equals(startedTag)) {
                docker(List.of("image", "rm", tag(t)), Map.of(), config.repo());
            }
        }
    }

    private Shell.Result compose(List<String> args, Map<String, String> env) {
        List<String> argv = new ArrayList<>(List.of(config.composeCommand().trim().split("\\s+")));
        argv.addAll(List.of("--project-name", config.composeProject(), "--file", config.repo().resolve(config.composeFile()).toString()));
        argv.addAll(args);
        return shell.run(argv, config.repo(), env);
    }

    private Shell.Result docker(List<String> args, Map<String, String> env, Path dir) {
        List<String> argv = new ArrayList<>();
        argv.add(config.dockerBin());
        argv.addAll(args);
        return shell.run(argv, dir, env);
    }
}
