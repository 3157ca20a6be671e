package dev.serveragent.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Raw configuration values with typed readers. Values come from the process environment, then
 * {@code .env}, then {@code .env.secrets} (the environment wins). Every reader names the
 * variable in its error and never echoes a value that might be secret.
 */
public final class Settings {
    public static final String DOTENV = ".env";
    public static final String DOTENV_SECRETS = ".env.secrets";

    private final Map<String, String> values;
    private final ConfigFiles files;

    /** Values from the environment only (tests); hints name the working directory's files. */
    public Settings(Map<String, String> values) {
        this(values, ConfigFiles.environmentOnly());
    }

    public Settings(Map<String, String> values, ConfigFiles files) {
        this.values = Map.copyOf(values);
        this.files = files;
    }

    /** Environment over {@code .env} and {@code .env.secrets} found in {@code dir}. */
    public static Settings load(Map<String, String> environment, Path dir) {
        Map<String, String> merged = new HashMap<>();
        List<Path> read = new ArrayList<>();
        Path secrets = dir.resolve(DOTENV_SECRETS);
        if (Files.exists(secrets)) {
            refuseIfShared(secrets);
            merged.putAll(DotEnv.parse(secrets));
            read.add(secrets);
        }
        Path plain = dir.resolve(DOTENV);
        if (Files.exists(plain)) {
            merged.putAll(DotEnv.parse(plain));
            read.add(0, plain);
        }
        merged.putAll(environment);
        return new Settings(merged, new ConfigFiles(dir, read));
    }

    /** Where configuration files were looked for and which were read. */
    public ConfigFiles files() {
        return files;
    }

    private static void refuseIfShared(Path secrets) {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(secrets);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check
        } catch (IOException e) {
            throw new ConfigException(secrets + ": cannot read its permissions (" + e.getMessage() + ")");
        }
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
            throw new ConfigException(secrets + " is readable by group or others; run: chmod 600 " + secrets);
        }
    }

    public Optional<String> optional(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    public Optional<Secret> secret(String name) {
        return optional(name).map(Secret::of);
    }

    /** The first of the names that is set. */
    public Optional<Secret> secret(String name, String... alternatives) {
        Optional<Secret> found = secret(name);
        for (int i = 0; found.isEmpty() && i < alternatives.length; i++) {
            found = secret(alternatives[i]);
        }
        return found;
    }

    public long number(String name, long fallback, long min, long max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        long v;
        try {
            v = Long.parseLong(raw.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + ": '" + raw.get() + "' is not a whole number");
        }
        if (v < min || v > max) {
            throw new ConfigException(name + ": " + v + " is out of range [" + min + ", " + max + "]");
        }
        return v;
    }

    public int integer(String name, int fallback, int min, int max) {
        return (int) number(name, fallback, min, max);
    }

    public Duration seconds(String name, Duration fallback, long minSeconds, long maxSeconds) {
        return Duration.ofSeconds(number(name, fallback.toSeconds(), minSeconds, maxSeconds));
    }

    public boolean bool(String name, boolean fallback) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new ConfigException(name + ": '" + raw.get() + "' is not a boolean (true|false)");
        };
    }

    public <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(raw.get())) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(java.util.Locale.ROOT));
        }
        throw new ConfigException(name + ": '" + raw.get() + "' is not one of " + String.join("|", allowed));
    }

    public List<Long> longList(String name) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (String part : raw.get().split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                out.add(Long.parseLong(p));
            } catch (NumberFormatException e) {
                throw new ConfigException(name + ": '" + p + "' is not a numeric chat id");
            }
        }
        return List.copyOf(out);
    }

    public java.net.URI url(String name, String fallback) {
        String raw = string(name, fallback);
        if (raw == null) {
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(raw);
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new ConfigException(name + ": '" + raw + "' is not an http(s) URL");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(name + ": '" + raw + "' is not a valid URL");
        }
    }

    public Path path(String name, Path fallback) {
        return optional(name).map(Path::of).orElse(fallback);
    }
}
