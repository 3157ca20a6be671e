package dev.serveragent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where the configuration files are looked for (the working directory, never beside the jar) and
 * which of them were read, as absolute paths: for the start-up log and for every hint that tells
 * the operator where to put a setting.
 *
 * @param dir  the directory searched for {@code .env} and {@code .env.secrets}
 * @param read the files actually read, in order
 */
public record ConfigFiles(Path dir, List<Path> read) {
    public ConfigFiles {
        dir = dir.toAbsolutePath().normalize();
        read = read.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** Nothing read; {@code .env} files would be looked for in the working directory. */
    public static ConfigFiles environmentOnly() {
        return new ConfigFiles(Path.of(""), List.of());
    }

    /** The plain settings file, whether or not it exists. */
    public Path dotenv() {
        return dir.resolve(Settings.DOTENV);
    }

    /** Where tokens and keys go (owner-only), whether or not it exists. */
    public Path secrets() {
        return dir.resolve(Settings.DOTENV_SECRETS);
    }

    /** One log line: the files read, or that none was and where they were looked for. */
    public String describe() {
        if (read.isEmpty()) {
            return "Configuration: environment only; no " + dotenv() + " or " + secrets() + " was found";
        }
        return "Configuration: environment, then " + read.stream().map(Path::toString).collect(Collectors.joining(", "))
                + " (the environment wins)";
    }
}
