package dev.serveragent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeployConfigTest {
    private static DeployConfig deploy(Map<String, String> env) {
        return AppConfig.from(new Settings(env)).deploy();
    }

    @Test
    void nothing_set_gives_the_documented_defaults() {
        DeployConfig c = deploy(Map.of());
        assertThat(c.repo()).isEqualTo(Path.of("/opt/server-agent-repo"));
        assertThat(c.runtime()).isEqualTo(DeployConfig.Runtime.PROCESS);
        assertThat(c.branch()).isEqualTo("main");
        assertThat(c.healthTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.keepReleases()).isEqualTo(3);
        assertThat(c.testCommand()).isEqualTo("./mvnw -B -ntp verify");
        assertThat(c.buildCommand()).isEqualTo("./mvnw -B -ntp -q package -DskipTests");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.artifact()).isEqualTo("target/server-agent.jar");
        assertThat(c.startCommand()).isEmpty();
        assertThat(c.releasesDir()).isEqualTo(Path.of("data").toAbsolutePath().resolve("releases"));
        assertThat(c.backupsDir()).isEqualTo(Path.of("data").toAbsolutePath().resolve("backups"));
        assertThat(c.aotCache()).isTrue();
        assertThat(c.aotTrainingTimeout()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void the_start_up_cache_of_releases_can_be_turned_off_and_its_training_bounded() {
        DeployConfig c = deploy(Map.of("DEPLOY_AOT_CACHE", "false", "DEPLOY_AOT_TRAINING_TIMEOUT_SECONDS", "30"));
        assertThat(c.aotCache()).isFalse();
        assertThat(c.aotTrainingTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> deploy(Map.of("DEPLOY_AOT_CACHE", "sometimes"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("DEPLOY_AOT_CACHE");
        assertThatThrownBy(() -> deploy(Map.of("DEPLOY_AOT_TRAINING_TIMEOUT_SECONDS", "0"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("DEPLOY_AOT_TRAINING_TIMEOUT_SECONDS");
    }

    @Test
    void the_deploy_port_follows_the_agent_port_unless_set() {
        assertThat(deploy(Map.of("PORT", "9000")).port()).isEqualTo(9000);
        assertThat(deploy(Map.of("PORT", "9000", "DEPLOY_PORT", "9100")).port()).isEqualTo(9100);
    }

    @Test
    void bad_values_name_their_variable() {
        assertThatThrownBy(() -> deploy(Map.of("DEPLOY_RUNTIME", "kubernetes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("DEPLOY_RUNTIME").hasMessageContaining("process|compose");
        assertThatThrownBy(() -> deploy(Map.of("DEPLOY_HEALTH_TIMEOUT_SECONDS", "0"))).hasMessageContaining("DEPLOY_HEALTH_TIMEOUT_SECONDS");
        assertThatThrownBy(() -> deploy(Map.of("DEPLOY_KEEP_RELEASES", "many"))).hasMessageContaining("DEPLOY_KEEP_RELEASES");
        assertThatThrownBy(() -> deploy(Map.of("DEPLOY_PORT", "70000"))).hasMessageContaining("DEPLOY_PORT");
        assertThatThrownBy(() -> deploy(Map.of("DEPLOY_BRANCH", "main; rm -rf /"))).hasMessageContaining("DEPLOY_BRANCH");
        assertThatThrownBy(() -> deploy(Map.of("DEPLOY_ARTIFACT", "../elsewhere.jar"))).hasMessageContaining("DEPLOY_ARTIFACT");
        assertThatThrownBy(() -> deploy(Map.of("DEPLOY_START_COMMAND", "java -jar app.jar"))).hasMessageContaining("DEPLOY_START_COMMAND")
                .hasMessageContaining("{artifact}");
        assertThatThrownBy(() -> deploy(Map.of("DEPLOY_IMAGE", "server-agent:latest"))).hasMessageContaining("DEPLOY_IMAGE");
    }

    @Test
    void compose_settings_are_read() {
        DeployConfig c = deploy(Map.of("DEPLOY_RUNTIME", "compose", "DEPLOY_IMAGE", "ghcr.io/me/agent", "DEPLOY_KEEP_RELEASES", "5"));
        assertThat(c.runtime()).isEqualTo(DeployConfig.Runtime.COMPOSE);
        assertThat(c.image()).isEqualTo("ghcr.io/me/agent");
        assertThat(c.keepReleases()).isEqualTo(5);
        assertThat(c.composeService()).isEqualTo("app");
    }
}
