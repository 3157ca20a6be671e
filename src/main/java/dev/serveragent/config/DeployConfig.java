package dev.serveragent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The self-update pipeline ({@code deploy} command): where the repository is, how a commit is
 * tested, built, started and health-checked, and what is kept. Releases and backups live under
 * {@code DATA_DIR}. Validated when built; errors name the variable.
 *
 * @param startCommand process runtime only: shell command starting a release, {@code {artifact}}
 *     replaced by the release's artifact path; empty means {@code <this java> -jar {artifact} serve}
 * @param composeCommand compose runtime: the compose CLI, {@code docker compose} or {@code docker-compose}
 * @param imageBuildCommand compose runtime: shell command run in the checkout before {@code docker build}
 *     (e.g. {@code deploy/vendor.sh}, for a build without a registry)
 * @param dockerBuildArgs compose runtime: {@code --build-arg}s, {@code K=V} separated by spaces
 * @param zeroDowntime process runtime only: start the new release beside the running one on the
 *     shared port (SO_REUSEPORT) and stop the old one once the new is healthy
 * @param aotCache process runtime only, default start command, JDK 25 or newer: make each
 *     release's AOT cache before the swap and start the release with it ({@code DEPLOY_AOT_CACHE})
 * @param aotTrainingTimeout the bound of that cache's training run ({@code DEPLOY_AOT_TRAINING_TIMEOUT_SECONDS})
 */
public record DeployConfig(
        Path repo,
        Runtime runtime,
        String branch,
        Duration healthTimeout,
        int keepReleases,
        int keepBackups,
        String testCommand,
        String buildCommand,
        int port,
        String artifact,
        Optional<String> startCommand,
        String image,
        String composeFile,
        String composeProject,
        String composeService,
        String dockerBin,
        Path releasesDir,
        Path backupsDir,
        boolean zeroDowntime,
        String composeCommand,
        Optional<String> imageBuildCommand,
        java.util.List<String> dockerBuildArgs,
        boolean aotCache,
        Duration aotTrainingTimeout) {

    /** How a release runs: a container of a compose project, or a detached child process. */
    public enum Runtime { PROCESS, COMPOSE }

    public static final Path DEFAULT_REPO = Path.of("/opt/server-agent-repo");
    public static final String DEFAULT_BRANCH = "main";
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_KEEP_RELEASES = 3;
    public static final int DEFAULT_KEEP_BACKUPS = 5;
    public static final String DEFAULT_TEST_COMMAND = "./mvnw -B -ntp verify";
    public static final String DEFAULT_BUILD_COMMAND = "./mvnw -B -ntp -q package -DskipTests";
    public static final String DEFAULT_ARTIFACT = "target/server-agent.jar";
    public static final String DEFAULT_IMAGE = "server-agent";
    public static final String DEFAULT_COMPOSE_FILE = "docker-compose.yml";
    public static final String DEFAULT_COMPOSE_PROJECT = "server-agent";
    public static final String DEFAULT_COMPOSE_SERVICE = "app";
    public static final String DEFAULT_DOCKER_BIN = "docker";
    public static final Duration DEFAULT_AOT_TRAINING_TIMEOUT = Duration.ofSeconds(120);

    public DeployConfig {
        requireText("DEPLOY_BRANCH", branch);
        if (!branch.matches("[A-Za-z0-9._/-]+")) {
            throw new ConfigException("DEPLOY_BRANCH: '" + branch + "' is not a plain branch name");
        }
        requireText("DEPLOY_TEST_COMMAND", testCommand);
        requireText("DEPLOY_BUILD_COMMAND", buildCommand);
        requireText("DEPLOY_ARTIFACT", artifact);
        if (Path.of(artifact).isAbsolute() || Path.of(artifact).normalize().startsWith("..")) {
            throw new ConfigException("DEPLOY_ARTIFACT: '" + artifact + "' must be a path inside the repository");
        }
        if (startCommand.isPresent() && !startCommand.get().contains("{artifact}")) {
            throw new ConfigException("DEPLOY_START_COMMAND: must contain {artifact}, the release's artifact path");
        }
        if (!image.matches("[a-z0-9][a-z0-9._/:-]*") || image.contains(":") && image.lastIndexOf(':') > image.lastIndexOf('/')) {
            throw new ConfigException("DEPLOY_IMAGE: '" + image + "' is not an image name without a tag");
        }
        requireText("DEPLOY_COMPOSE_SERVICE", composeService);
        requireText("DEPLOY_DOCKER_BIN", dockerBin);
        requireText("DEPLOY_COMPOSE_COMMAND", composeCommand);
        for (String arg : dockerBuildArgs) {
            if (!arg.matches("[A-Za-z_][A-Za-z0-9_]*=\\S*")) {
                throw new ConfigException("DEPLOY_DOCKER_BUILD_ARGS: '" + arg + "' is not KEY=VALUE");
            }
        }
        dockerBuildArgs = java.util.List.copyOf(dockerBuildArgs);
    }

    static DeployConfig from(Settings s, Path dataDir) {
        int httpPort = s.integer("PORT", HttpConfig.DEFAULT_PORT, 0, 65535);
        return new DeployConfig(
                s.path("DEPLOY_REPO", DEFAULT_REPO).toAbsolutePath().normalize(),
                s.choice("DEPLOY_RUNTIME", Runtime.class, Runtime.PROCESS),
                s.string("DEPLOY_BRANCH", DEFAULT_BRANCH),
                s.seconds("DEPLOY_HEALTH_TIMEOUT_SECONDS", DEFAULT_HEALTH_TIMEOUT, 1, 3600),
                s.integer("DEPLOY_KEEP_RELEASES", DEFAULT_KEEP_RELEASES, 1, 100),
                s.integer("DEPLOY_KEEP_BACKUPS", DEFAULT_KEEP_BACKUPS, 1, 100),
                s.string("DEPLOY_TEST_COMMAND", DEFAULT_TEST_COMMAND),
                s.string("DEPLOY_BUILD_COMMAND", DEFAULT_BUILD_COMMAND),
                // The deployed instance listens where the agent is configured to (PORT), unless told otherwise.
                s.integer("DEPLOY_PORT", httpPort == 0 ? HttpConfig.DEFAULT_PORT : httpPort, 1, 65535),
                s.string("DEPLOY_ARTIFACT", DEFAULT_ARTIFACT),
                s.optional("DEPLOY_START_COMMAND"),
                s.string("DEPLOY_IMAGE", DEFAULT_IMAGE),
                s.string("DEPLOY_COMPOSE_FILE", DEFAULT_COMPOSE_FILE),
                s.string("DEPLOY_COMPOSE_PROJECT", DEFAULT_COMPOSE_PROJECT),
                s.string("DEPLOY_COMPOSE_SERVICE", DEFAULT_COMPOSE_SERVICE),
                s.string("DEPLOY_DOCKER_BIN", DEFAULT_DOCKER_BIN),
                dataDir.resolve("releases"),
                dataDir.resolve("backups"),
                s.bool("DEPLOY_ZERO_DOWNTIME", true),
                s.string("DEPLOY_COMPOSE_COMMAND", s.string("DEPLOY_DOCKER_BIN", DEFAULT_DOCKER_BIN) + " compose"),
                s.optional("DEPLOY_IMAGE_BUILD_COMMAND"),
                java.util.Arrays.stream(s.string("DEPLOY_DOCKER_BUILD_ARGS", "").trim().split("\\s+")).filter(a -> !a.isEmpty()).toList(),
                s.bool("DEPLOY_AOT_CACHE", true),
                s.seconds("DEPLOY_AOT_TRAINING_TIMEOUT_SECONDS", DEFAULT_AOT_TRAINING_TIMEOUT, 1, 3600));
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(name + ": must not be empty");
        }
    }
}
