package dev.serveragent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.serveragent.deploy.FixtureRepo.Version;
import dev.serveragent.store.DeploymentRepository.Deployment;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code compose} runtime: the docker commands it runs, recorded by a fake {@code docker}
 * (src/test/resources), with an always-healthy HTTP server standing in for the started container.
 */
class ComposeDeployTest extends DeployTestCase {
    HttpServer container;
    Path log;

    @BeforeEach
    void setUpCompose() throws Exception {
        Path docker = tmp.resolve("bin/docker");
        Files.createDirectories(docker.getParent());
        try (InputStream in = getClass().getResourceAsStream("fake-docker")) {
            Files.write(docker, in.readAllBytes());
        }
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        log = tmp.resolve("docker.log");
        h.env.put("DEPLOY_RUNTIME", "compose");
        h.env.put("DEPLOY_DOCKER_BIN", docker.toString());
        h.env.put("DEPLOY_IMAGE", "registry.local/agent");
        h.env.put("DEPLOY_KEEP_RELEASES", "2");
        h.env.put("FAKE_DOCKER_LOG", log.toString());
        container = HttpServer.create(new InetSocketAddress("127.0.0.1", h.port), 0);
        container.createContext("/", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        container.start();
    }

    @AfterEach
    void stopContainer() {
        container.stop(0);
    }

    private List<String> calls() throws Exception {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private String compose(String args) {
        return "compose --project-name server-agent --file " + repo.dir.resolve("docker-compose.yml") + " " + args;
    }

    @Test
    void a_good_commit_is_built_as_a_sha_tagged_image_and_started_with_compose() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        h.env.put("FAKE_DOCKER_TAGS", "latest aaaaaaa bbbbbbb " + v1);
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);

        String image = "registry.local/agent:" + v1;
        assertThat(calls()).containsSubsequence(
                "SERVER_AGENT_IMAGE=|build --tag " + image + " " + h.dataDir.resolve("builds").resolve(v1),
                "SERVER_AGENT_IMAGE=|" + compose("stop app"),
                "SERVER_AGENT_IMAGE=|image prune --force",
                "SERVER_AGENT_IMAGE=|image inspect --format {{.Id}} " + image,
                "SERVER_AGENT_IMAGE=" + image + "|" + compose("up --detach --no-build --no-deps app"),
                "SERVER_AGENT_IMAGE=|image ls registry.local/agent --format {{.Tag}}",
                "SERVER_AGENT_IMAGE=|image rm registry.local/agent:aaaaaaa",
                "SERVER_AGENT_IMAGE=|image rm registry.local/agent:bbbbbbb");
        assertThat(calls()).noneMatch(c -> c.contains("image rm registry.local/agent:latest") || c.contains("image rm " + image));
        Deployment d = h.rows().getLast();
        assertThat(d.status()).isEqualTo("healthy");
        assertThat(d.runtime()).isEqualTo("compose");
        assertThat(d.reportText()).contains("Build: image " + image);
    }

    @Test
    void a_failing_start_rolls_back_to_the_previous_healthy_tag_and_keeps_the_last_healthy_images() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        String v2 = repo.commit(Version.good("v2"));
        String v3 = repo.commit(Version.good("v3"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);
        assertThat(h.deploy("--sha", v2)).isEqualTo(0);
        h.env.put("FAKE_DOCKER_FAIL_IMAGE", "registry.local/agent:" + v3);
        h.env.put("FAKE_DOCKER_TAGS", v1 + " " + v2 + " " + v3);
        Files.deleteIfExists(log);

        assertThat(h.deploy("--sha", v3)).isEqualTo(1);

        assertThat(calls()).containsSubsequence(
                "SERVER_AGENT_IMAGE=registry.local/agent:" + v3 + "|" + compose("up --detach --no-build --no-deps app"),
                "SERVER_AGENT_IMAGE=|" + compose("stop app"),
                "SERVER_AGENT_IMAGE=registry.local/agent:" + v2 + "|" + compose("up --detach --no-build --no-deps app"));
        assertThat(calls()).as("rollback never prunes").noneMatch(c -> c.contains("image rm"));
        assertThat(h.rows()).extracting(Deployment::status).containsExactly("healthy", "healthy", "rolled_back");
        Deployment d = h.rows().getLast();
        assertThat(d.rollbackReason()).contains("docker compose up of registry.local/agent:" + v3 + " failed")
                .contains("container exited");
        assertThat(d.reportText()).contains("Rollback: restarted " + v2 + ", healthy again");

        // The next good deploy keeps the 2 newest healthy images (DEPLOY_KEEP_RELEASES=2) and prunes the rest.
        h.env.remove("FAKE_DOCKER_FAIL_IMAGE");
        String v4 = repo.commit(Version.good("v4"));
        h.env.put("FAKE_DOCKER_TAGS", v1 + " " + v2 + " " + v3 + " " + v4);
        Files.deleteIfExists(log);
        assertThat(h.deploy("--sha", v4)).isEqualTo(0);
        assertThat(calls()).contains("SERVER_AGENT_IMAGE=|image rm registry.local/agent:" + v1,
                "SERVER_AGENT_IMAGE=|image rm registry.local/agent:" + v3);
        assertThat(calls()).noneMatch(c -> c.endsWith("image rm registry.local/agent:" + v2)
                || c.endsWith("image rm registry.local/agent:" + v4));
    }
}
