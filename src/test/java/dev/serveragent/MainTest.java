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

class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureErr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreErr() {
        System.setErr(originalErr);
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
