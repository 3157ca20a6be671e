package dev.serveragent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/** {@code install-service}: a systemd unit that keeps the agent on, and the commands that enable it. */
@Isolated("replaces System.out")
class InstallServiceTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream originalOut;

    @BeforeEach
    void captureOut() {
        originalOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOut() {
        System.setOut(originalOut);
    }

    private Path java() {
        return Path.of(ProcessHandle.current().info().command().orElseThrow());
    }

    @Test
    void a_system_unit_runs_the_found_jdk_as_the_sudo_user_with_absolute_paths_and_restarts_on_failure() throws Exception {
        Path unit = dir.resolve("units/server-agent.service");
        Path jar = dir.resolve("my agent/server-agent.jar"); // a space: quoted for systemd
        int code = Main.run(Map.of("SUDO_USER", "alice", "USER", "root", "DATA_DIR", "rel-data"), dir,
                "install-service", "--output", unit.toString(), "--jar", jar.toString(), "--run-as", "alice");
        assertThat(code).isZero();
        String text = Files.readString(unit);
        assertThat(text).contains("User=alice\n")
                .contains("WorkingDirectory=" + dir.toAbsolutePath() + "\n")
                .contains("Environment=DATA_DIR=" + dir.toAbsolutePath().resolve("rel-data") + "\n")
                .contains("ExecStart=" + java() + " -jar \"" + jar + "\" serve\n")
                .contains("Restart=on-failure\n")
                .contains("WantedBy=multi-user.target\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("systemctl daemon-reload", "systemctl enable --now server-agent");
        verifyWithSystemd(unit, false);
    }

    @Test
    void a_user_unit_has_no_user_line_and_is_enabled_with_systemctl_user() throws Exception {
        Path unit = dir.resolve("server-agent.service");
        int code = Main.run(Map.of("USER", "bob", "DATA_DIR", dir.resolve("data").toString()), dir,
                "install-service", "--user", "--output", unit.toString(), "--jar", dir.resolve("a.jar").toString());
        assertThat(code).isZero();
        String text = Files.readString(unit);
        assertThat(text).doesNotContain("User=").contains("WantedBy=default.target\n").contains("Restart=on-failure\n");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("systemctl --user daemon-reload",
                "systemctl --user enable --now server-agent", "loginctl enable-linger bob");
        verifyWithSystemd(unit, true);
    }

    @Test
    void the_sudo_user_wins_over_root_when_no_user_is_given() {
        assertThat(SystemdUnit.invokingUser(Map.of("SUDO_USER", "alice", "USER", "root"))).contains("alice");
        assertThat(SystemdUnit.invokingUser(Map.of("USER", "carol"))).contains("carol");
    }

    /** {@code systemd-analyze verify} where it exists; skipped, saying so, elsewhere. */
    private static void verifyWithSystemd(Path unit, boolean user) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze),
                "SKIPPED: systemd-analyze is not installed here; the unit's text was checked, not systemd's verdict");
        var cmd = new java.util.ArrayList<>(java.util.List.of(analyze.toString(), "verify"));
        if (user) {
            cmd.add("--user");
        }
        cmd.add(unit.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // Messages about the host's other units are not ours: only lines naming this unit count.
        assertThat(said.lines().filter(l -> l.contains(unit.getFileName().toString())))
                .as("systemd-analyze verify said:%n%s", said).isEmpty();
    }
}
