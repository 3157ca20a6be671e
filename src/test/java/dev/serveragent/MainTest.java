package dev.serveragent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated("replaces System.out and System.err")
class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private PrintStream originalOut;

    @BeforeEach
    void captureErr() {
        originalErr = System.err;
        originalOut = System.out;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreErr() {
        System.setErr(originalErr);
        System.setOut(originalOut);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void help_lists_the_commands_the_main_settings_the_docs_and_both_channels() {
        assertThat(Main.run(Map.of(), dir, "--help")).isZero();
        assertThat(stdout()).contains("serve", "migrate", "deploy", "install-service")
                .contains("DATABASE_URL", "ANTHROPIC_API_KEY", "TELEGRAM_BOT_TOKEN", "ADMIN_TOKEN", ".env.secrets")
                .contains("docs/OPERATIONS.md", "console", "Telegram");
    }

    @Test
    void serve_help_prints_its_usage_instead_of_starting() {
        assertThat(Main.run(Map.of("PORT", "abc"), dir, "serve", "--help")).isZero();
        assertThat(stdout()).contains("Usage: server-agent serve");
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("Unknown option");
    }

    @Test
    void version_is_the_one_captured_from_git_at_build_time_not_dev() throws Exception {
        assertThat(Main.run(Map.of(), dir, "--version")).isZero();
        var props = new java.util.Properties();
        try (var in = Main.class.getResourceAsStream(Main.Version.GIT_PROPERTIES)) {
            assertThat(in).as("written by the git-commit-id plugin at build time").isNotNull();
            props.load(in);
        }
        String describe = props.getProperty("git.commit.id.describe", "");
        assertThat(stdout().strip()).startsWith("server-agent ").doesNotContain("dev");
        org.junit.jupiter.api.Assumptions.assumeFalse(describe.isEmpty(),
                "SKIPPED: built outside a git checkout (a tarball): the version is the pom's");
        assertThat(describe).as("a git checkout: a commit or tag").matches("[0-9A-Za-z._-]+");
        assertThat(stdout()).contains(describe);
    }

    @Test
    void the_log_names_the_dotenv_files_read_by_absolute_path() throws Exception {
        java.nio.file.Files.writeString(dir.resolve(".env"), "PORT=abc\n");
        try (var logs = dev.serveragent.testing.CapturedLogs.start()) {
            assertThat(Main.run(Map.of("DATA_DIR", dir.toString()), dir, "serve")).isEqualTo(2);
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains(dir.toAbsolutePath().resolve(".env").toString()));
        }
    }

    @Test
    void the_log_says_when_no_dotenv_file_was_found_and_where_it_looked() {
        try (var logs = dev.serveragent.testing.CapturedLogs.start()) {
            assertThat(Main.run(Map.of("PORT", "abc", "DATA_DIR", dir.toString()), dir, "serve")).isEqualTo(2);
            assertThat(logs.lines()).anySatisfy(l -> assertThat(l).contains("environment only")
                    .contains(dir.toAbsolutePath().resolve(".env.secrets").toString()));
        }
    }

    @Test
    void bad_port_exits_2_naming_the_variable() {
        int code = Main.run(Map.of("PORT", "abc", "DATA_DIR", dir.toString()), dir, "serve");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("configuration error").contains("PORT");
    }

    @Test
    void malformed_database_url_exits_2_without_printing_the_password() {
        int code = Main.run(Map.of("DATABASE_URL", "postgres//u:pw-123@x", "DATA_DIR", dir.toString()), dir, "migrate");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("DATABASE_URL").doesNotContain("pw-123");
    }

    @Test
    void unreachable_database_exits_1_with_a_hint() {
        int code = Main.run(Map.of("DATABASE_URL", "postgres://u:pw-123@127.0.0.1:1/db", "DATA_DIR", dir.toString()), dir, "migrate");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Cannot connect to PostgreSQL").contains("DATABASE_URL")
                .doesNotContain("pw-123");
    }

    @Test
    void unknown_command_is_a_usage_error() {
        assertThat(Main.run(Map.of(), dir, "frobnicate")).isEqualTo(2);
    }
}
