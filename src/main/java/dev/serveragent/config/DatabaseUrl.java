package dev.serveragent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Postgres location. Accepts {@code postgres://user:pass@host:port/db?opts},
 * {@code postgresql://…} and {@code jdbc:postgresql://host:port/db?user=…&password=…}.
 * The password is held as a {@link Secret}; {@link #jdbcUrl()} never contains it.
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<Secret> password) {
    private static final String USAGE = "expected postgres://user:password@host:5432/database"
            + " or jdbc:postgresql://host:5432/database?user=...&password=...";

    public static DatabaseUrl parse(String name, String raw) {
        String s = raw.strip();
        boolean jdbc = s.startsWith("jdbc:postgresql://");
        if (!jdbc && !s.startsWith("postgres://") && !s.startsWith("postgresql://")) {
            throw new ConfigException(name + ": unsupported scheme; " + USAGE);
        }
        URI uri;
        try {
            uri = new URI(jdbc ? s.substring("jdbc:".length()) : s);
        } catch (URISyntaxException e) {
            throw new ConfigException(name + ": not a valid URL; " + USAGE);
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new ConfigException(name + ": no host; " + USAGE);
        }
        String db = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        if (db.isEmpty() || db.contains("/")) {
            throw new ConfigException(name + ": no database name; " + USAGE);
        }
        Optional<String> user = Optional.empty();
        Optional<Secret> password = Optional.empty();
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = Optional.of(decode(parts[0])).filter(u -> !u.isEmpty());
            if (parts.length == 2) {
                password = Optional.of(Secret.of(decode(parts[1])));
            }
        }
        List<String> kept = new ArrayList<>();
        if (uri.getRawQuery() != null) {
            for (String kv : uri.getRawQuery().split("&")) {
                if (kv.isEmpty()) {
                    continue;
                }
                String[] p = kv.split("=", 2);
                String key = decode(p[0]);
                String value = p.length == 2 ? decode(p[1]) : "";
                switch (key) {
                    case "user" -> user = Optional.of(value);
                    case "password" -> password = Optional.of(Secret.of(value));
                    default -> kept.add(kv);
                }
            }
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String jdbcUrl = "jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + db
                + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        return new DatabaseUrl(jdbcUrl, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
