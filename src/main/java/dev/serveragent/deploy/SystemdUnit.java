package dev.serveragent.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A systemd service that keeps the agent always on: the JDK and jar found at install time,
 * absolute {@code DATA_DIR} and {@code WorkingDirectory}, {@code Restart=on-failure}. A system
 * unit runs as {@code user}; a user unit ({@code systemctl --user}) runs as its owner.
 *
 * <p>No {@code EnvironmentFile=}: the agent reads {@code .env} and {@code .env.secrets} from its
 * working directory itself (and logs which), while systemd would parse their quotes and trailing
 * comments differently and, as environment, win over the agent's own reading.
 */
public record SystemdUnit(String name, Path java, Path jar, Path workingDir, Path dataDir, Optional<String> user, boolean userUnit) {
    public static final String DEFAULT_NAME = "server-agent";

    public SystemdUnit {
        for (Path p : List.of(java, jar, workingDir, dataDir)) {
            if (!p.isAbsolute()) {
                throw new IllegalArgumentException("not an absolute path: " + p);
            }
        }
        if (userUnit && user.isPresent()) {
            throw new IllegalArgumentException("a user unit runs as its owner: no User=");
        }
    }

    /** Who a system unit runs as: the user who ran sudo, else the current user. */
    public static Optional<String> invokingUser(Map<String, String> environment) {
        for (String name : List.of("SUDO_USER", "USER", "LOGNAME")) {
            String v = environment.get(name);
            if (v != null && !v.isBlank()) {
                return Optional.of(v.strip());
            }
        }
        return Optional.empty();
    }

    /** Where systemd looks for it: /etc/systemd/system, or the user's ~/.config/systemd/user. */
    public static Path defaultPath(String name, boolean userUnit, Map<String, String> environment) {
        if (!userUnit) {
            return Path.of("/etc/systemd/system", name + ".service");
        }
        String config = environment.get("XDG_CONFIG_HOME");
        Path base = config != null && !config.isBlank() ? Path.of(config) : Path.of(environment.getOrDefault("HOME", "~"), ".config");
        return base.resolve("systemd/user").resolve(name + ".service");
    }

    public String text() {
        List<String> l = new ArrayList<>();
        l.add("# Written by `server-agent install-service`. The agent reads .env and .env.secrets in WorkingDirectory.");
        l.add("[Unit]");
        l.add("Description=server-agent, a self-hosted AI agent (console and Telegram)");
        l.add("Wants=network-online.target");
        l.add("After=network-online.target");
        l.add("");
        l.add("[Service]");
        l.add("Type=simple");
        user.ifPresent(u -> l.add("User=" + u));
        l.add("WorkingDirectory=" + quoted(workingDir.toString()));
        l.add("Environment=" + quoted("DATA_DIR=" + dataDir));
        l.add("ExecStart=" + quoted(java.toString()) + " -jar " + quoted(jar.toString()) + " serve");
        l.add("Restart=on-failure");
        l.add("RestartSec=5");
        // SIGTERM stops it in order (the embedded Postgres included) and exits 0.
        l.add("TimeoutStopSec=60");
        l.add("");
        l.add("[Install]");
        l.add("WantedBy=" + (userUnit ? "default.target" : "multi-user.target"));
        return String.join("\n", l) + "\n";
    }

    /** The commands that load and start it. */
    public List<String> enableCommands() {
        String systemctl = userUnit ? "systemctl --user" : "systemctl";
        return List.of(systemctl + " daemon-reload", systemctl + " enable --now " + name);
    }

    /** Double quotes when needed, as systemd's own syntax takes them; {@code %} doubled (specifiers). */
    static String quoted(String raw) {
        String s = raw.replace("%", "%%");
        if (s.chars().noneMatch(c -> c == ' ' || c == '"' || c == '\\' || c == '\'' || c == '\t')) {
            return s;
        }
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
