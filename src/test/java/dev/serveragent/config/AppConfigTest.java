package dev.serveragent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
    @TempDir
    Path dir;

    private static AppConfig config(Map<String, String> env) {
        return AppConfig.from(new Settings(env));
    }

    @Test
    void nothing_set_gives_the_documented_defaults() {
        AppConfig c = config(Map.of());
        assertThat(c.http().port()).isEqualTo(8080);
        assertThat(c.http().bindHost()).isEqualTo("0.0.0.0");
        assertThat(c.http().adminToken()).isEmpty();
        assertThat(c.http().bodyDeadline()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.http().idleTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.database().url()).isEmpty();
        assertThat(c.database().embeddedDataDir()).isEqualTo(Path.of("data").toAbsolutePath().resolve("pg"));
        assertThat(c.telegram().enabled()).isFalse();
        assertThat(c.telegram().apiUrl().toString()).isEqualTo("https://api.telegram.org");
        assertThat(c.telegram().masterChatIds()).isEmpty();
        assertThat(c.anthropic().haikuModel()).isEqualTo("claude-haiku-4-5");
        assertThat(c.anthropic().baseUrl().toString()).isEqualTo("https://api.anthropic.com");
        assertThat(c.anthropic().classifierTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.claudeCode().bin()).isEqualTo("claude");
        assertThat(c.claudeCode().workdir()).isEqualTo(Path.of("data").toAbsolutePath().resolve("workspace"));
        assertThat(c.approval().policy()).isEqualTo(ApprovalConfig.Policy.AUTO);
        assertThat(c.approval().timeout()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(c.proactive().enabled()).isFalse();
        assertThat(c.proactive().dailyTokenBudget()).isEqualTo(7_000_000L);
        assertThat(c.transcribe().url()).isEmpty();
        assertThat(c.minio().store()).isEmpty();
        assertThat(c.reactive().workers()).isEqualTo(4);
        assertThat(c.reactive().artifactWorkers()).isEqualTo(2);
    }

    @Test
    void artifact_workers_may_be_none_but_not_negative() {
        assertThat(config(Map.of("ARTIFACT_WORKERS", "0")).reactive().artifactWorkers()).isZero();
        assertThatThrownBy(() -> config(Map.of("ARTIFACT_WORKERS", "-1"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ARTIFACT_WORKERS");
    }

    @Test
    void http_timeouts_are_whole_seconds_from_one_to_an_hour() {
        AppConfig c = config(Map.of("HTTP_BODY_DEADLINE_SECONDS", "4", "HTTP_IDLE_TIMEOUT_SECONDS", "3600"));
        assertThat(c.http().bodyDeadline()).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.http().idleTimeout()).isEqualTo(Duration.ofHours(1));
        for (String name : List.of("HTTP_BODY_DEADLINE_SECONDS", "HTTP_IDLE_TIMEOUT_SECONDS")) {
            assertThatThrownBy(() -> config(Map.of(name, "0"))).isInstanceOf(ConfigException.class)
                    .hasMessage(name + ": 0 is out of range [1, 3600]");
            assertThatThrownBy(() -> config(Map.of(name, "3601"))).isInstanceOf(ConfigException.class)
                    .hasMessage(name + ": 3601 is out of range [1, 3600]");
            assertThatThrownBy(() -> config(Map.of(name, "-5"))).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(name);
            assertThatThrownBy(() -> config(Map.of(name, "30s"))).isInstanceOf(ConfigException.class)
                    .hasMessage(name + ": '30s' is not a whole number");
        }
        assertThatThrownBy(() -> new HttpConfig("0.0.0.0", 8080, java.util.Optional.empty(), Duration.ofMillis(500), Duration.ofSeconds(20)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("HTTP_BODY_DEADLINE_SECONDS");
    }

    @Test
    void proactive_defaults_on_once_claude_code_can_authenticate() {
        assertThat(config(Map.of("CLAUDE_CODE_OAUTH_TOKEN", "tok")).proactive().enabled()).isTrue();
        assertThat(config(Map.of("CLAUDE_CODE_OAUTH_TOKEN", "tok", "PROACTIVE_ENABLED", "false")).proactive().enabled()).isFalse();
    }

    @Test
    void port_that_is_not_a_number_names_the_variable() {
        assertThatThrownBy(() -> config(Map.of("PORT", "eighty")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("PORT")
                .hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> config(Map.of("PORT", "70000"))).hasMessageContaining("PORT");
        assertThatThrownBy(() -> config(Map.of("HAIKU_TIMEOUT_SECONDS", "0"))).hasMessageContaining("HAIKU_TIMEOUT_SECONDS: 0 is out of range [1, 300]");
    }

    @Test
    void malformed_database_url_names_the_variable_and_hides_the_password() {
        assertThatThrownBy(() -> config(Map.of("DATABASE_URL", "mysql://u:hunter2@h/db")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("DATABASE_URL")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> config(Map.of("DATABASE_URL", "postgres://u:hunter2@host:5432/")))
                .hasMessageContaining("no database name")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void database_url_accepts_both_forms() {
        DatabaseUrl a = DatabaseUrl.parse("X", "postgres://agent:p%40ss@db.local:6543/agent?sslmode=require");
        assertThat(a.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:6543/agent?sslmode=require");
        assertThat(a.user()).contains("agent");
        assertThat(a.password().orElseThrow().reveal()).isEqualTo("p@ss");
        DatabaseUrl b = DatabaseUrl.parse("X", "jdbc:postgresql://127.0.0.1/test?user=postgres&password=pw&ssl=false");
        assertThat(b.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test?ssl=false");
        assertThat(b.user()).contains("postgres");
        assertThat(b.password().orElseThrow().reveal()).isEqualTo("pw");
        assertThat(b.toString()).doesNotContain("pw&").doesNotContain("=pw");
    }

    @Test
    void non_numeric_master_chat_id_is_refused() {
        assertThatThrownBy(() -> config(Map.of("MASTER_CHAT_IDS", "123, abc")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("MASTER_CHAT_IDS")
                .hasMessageContaining("abc");
        assertThat(config(Map.of("MASTER_CHAT_IDS", " 123, -1001, ")).telegram().masterChatIds())
                .isEqualTo(List.of(123L, -1001L));
    }

    @Test
    void a_bot_token_needs_no_webhook_secret_but_a_malformed_one_is_refused() {
        assertThat(config(Map.of("TELEGRAM_BOT_TOKEN", "123:abc")).telegram().webhookSecret()).isEmpty();
        assertThatThrownBy(() -> config(Map.of("TELEGRAM_BOT_TOKEN", "123:abc", "TELEGRAM_WEBHOOK_SECRET", "has spaces")))
                .hasMessageContaining("TELEGRAM_WEBHOOK_SECRET")
                .hasMessageNotContaining("has spaces");
    }

    @Test
    void unknown_approval_policy_lists_the_choices() {
        assertThatThrownBy(() -> config(Map.of("APPROVAL_POLICY", "sometimes")))
                .hasMessageContaining("APPROVAL_POLICY")
                .hasMessageContaining("auto|always");
    }

    @Test
    void partial_minio_settings_name_the_missing_one() {
        assertThatThrownBy(() -> config(Map.of("MINIO_ENDPOINT", "http://127.0.0.1:9000")))
                .hasMessageContaining("MINIO_ACCESS_KEY");
    }

    @Test
    void secrets_never_appear_in_toString() {
        AppConfig c = config(Map.of(
                "TELEGRAM_BOT_TOKEN", "123:tg-secret-token",
                "TELEGRAM_WEBHOOK_SECRET", "hook-secret",
                "ANTHROPIC_API_KEY", "sk-ant-secret",
                "CLAUDE_CODE_OAUTH_TOKEN", "oauth-secret",
                "ADMIN_TOKEN", "admin-secret-0123456789abcdef-for-tests",
                "DATABASE_URL", "postgres://u:db-secret@h/db"));
        assertThat(c.toString()).doesNotContain("tg-secret-token", "hook-secret", "sk-ant-secret",
                "oauth-secret", "admin-secret", "db-secret");
    }

    @Test
    void environment_wins_over_dotenv_and_secrets_file() throws Exception {
        Files.writeString(dir.resolve(".env"), """
                # comment
                export PORT=9000
                HAIKU_MODEL="claude-haiku-x" # trailing
                MASTER_CHAT_IDS=1,2
                """);
        Path secrets = dir.resolve(".env.secrets");
        Files.writeString(secrets, "ANTHROPIC_API_KEY='sk-from-file'\nPORT=9100\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
        AppConfig c = AppConfig.from(Settings.load(Map.of("MASTER_CHAT_IDS", "7"), dir));
        assertThat(c.http().port()).isEqualTo(9000);
        assertThat(c.anthropic().haikuModel()).isEqualTo("claude-haiku-x");
        assertThat(c.anthropic().apiKey().orElseThrow().reveal()).isEqualTo("sk-from-file");
        assertThat(c.telegram().masterChatIds()).containsExactly(7L);
    }

    @Test
    void secrets_file_readable_by_others_is_refused_naming_the_file() throws Exception {
        Path secrets = dir.resolve(".env.secrets");
        Files.writeString(secrets, "ANTHROPIC_API_KEY=sk-visible\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Settings.load(new HashMap<>(), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(".env.secrets")
                .hasMessageContaining("chmod 600")
                .hasMessageNotContaining("sk-visible");
    }

    @Test
    void malformed_dotenv_line_names_file_and_line_but_not_content() throws Exception {
        Files.writeString(dir.resolve(".env"), "PORT=1\nthis line has-secret-stuff\n");
        assertThatThrownBy(() -> Settings.load(Map.of(), dir))
                .hasMessageContaining(".env:2")
                .hasMessageNotContaining("secret-stuff");
    }

    @Test
    void proactive_settings_have_defaults_and_are_validated_with_the_variable_named() {
        ProactiveConfig d = config(Map.of()).proactive();
        assertThat(d.minSleep()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.maxSleep()).isEqualTo(Duration.ofSeconds(3600));
        assertThat(d.notableThreshold()).isEqualTo(0.7);
        ProactiveConfig c = config(Map.of("PROACTIVE_MIN_SLEEP_SECONDS", "30", "PROACTIVE_MAX_SLEEP_SECONDS", "600",
                "PROACTIVE_NOTABLE_THRESHOLD", "0.5", "PROACTIVE_DAILY_TOKEN_BUDGET", "1000000")).proactive();
        assertThat(c.minSleep()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxSleep()).isEqualTo(Duration.ofSeconds(600));
        assertThat(c.notableThreshold()).isEqualTo(0.5);
        assertThat(c.dailyTokenBudget()).isEqualTo(1_000_000);
        assertThatThrownBy(() -> config(Map.of("PROACTIVE_MIN_SLEEP_SECONDS", "700", "PROACTIVE_MAX_SLEEP_SECONDS", "600")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROACTIVE_MIN_SLEEP_SECONDS");
        assertThatThrownBy(() -> config(Map.of("PROACTIVE_NOTABLE_THRESHOLD", "high")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROACTIVE_NOTABLE_THRESHOLD");
        assertThatThrownBy(() -> config(Map.of("PROACTIVE_NOTABLE_THRESHOLD", "1.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PROACTIVE_NOTABLE_THRESHOLD");
    }
}
