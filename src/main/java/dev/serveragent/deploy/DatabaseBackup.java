package dev.serveragent.deploy;

import dev.serveragent.config.DatabaseUrl;
import dev.serveragent.store.DeploymentRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code pg_dump} before a new version may migrate, {@code pg_restore} when a rollback must
 * return to the previous version's schema. Keeps the newest {@code keep} dumps. The password
 * travels in {@code PGPASSWORD}, never on a command line.
 */
public final class DatabaseBackup {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** A dump on disk, or why none was taken. */
    public record Backup(Optional<Path> file, String note) {}

    /** "pg_dump (PostgreSQL) 15.20 (Debian …)" → 15. */
    private static final Pattern VERSION = Pattern.compile("PostgreSQL\\)\\s+(\\d+)");

    private final DatabaseUrl url;
    private final Path dir;
    private final int keep;
    private final Shell shell;
    private final DeploymentRepository schema;

    public DatabaseBackup(DatabaseUrl url, Path dir, int keep, Shell shell, DeploymentRepository schema) {
        this.url = url;
        this.dir = dir;
        this.keep = keep;
        this.shell = shell;
        this.schema = schema;
    }

    /**
     * Why no dump can be taken here, or empty when one can: no {@code pg_dump} on PATH, or one
     * older than the server (pg_dump refuses to dump a newer server).
     */
    public Optional<String> unusableReason() {
        Optional<Path> pgDump = shell.which("pg_dump");
        if (pgDump.isEmpty()) {
            return Optional.of("pg_dump is not on PATH (install postgresql-client)");
        }
        int server = schema.serverMajorVersion();
        Shell.Result v = shell.run(List.of(pgDump.get().toString(), "--version"), Path.of(System.getProperty("java.io.tmpdir")), Map.of());
        Matcher m = VERSION.matcher(v.output());
        if (v.ok() && m.find() && Integer.parseInt(m.group(1)) < server) {
            return Optional.of("pg_dump " + m.group(1) + " cannot dump a PostgreSQL " + server
                    + " server (put the PostgreSQL " + server + " client tools on PATH)");
        }
        return Optional.empty();
    }

    /** Dumps the database; without a usable {@code pg_dump}, no dump and a note saying why. */
    public Backup take(String label, Instant at) {
        Optional<String> unusable = unusableReason();
        if (unusable.isPresent()) {
            return new Backup(Optional.empty(), "no database backup: " + unusable.get());
        }
        Optional<Path> pgDump = shell.which("pg_dump");
        Path file = dir.resolve(STAMP.format(at) + "-" + label + ".dump");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DeployException("cannot create the backup directory " + dir + ": " + e.getMessage(), e);
        }
        Shell.Result r = shell.run(List.of(pgDump.get().toString(), "--format=custom", "--no-owner",
                "--file=" + file, "--dbname=" + libpqUrl()), dir, credentials());
        if (!r.ok()) {
            throw new DeployException("pg_dump failed (exit " + r.exitCode() + "): " + r.reason());
        }
        prune();
        return new Backup(Optional.of(file), "database backup " + file.getFileName());
    }

    /**
     * Replaces the whole schema with the dump's, atomically: the dump is first turned into SQL
     * (touching nothing), then one {@code psql --single-transaction} drops the schema and restores
     * it. A failure or a crash anywhere in between rolls back to the schema as it was: never an
     * empty one. Connections of stopped versions must be gone.
     */
    public void restore(Path file) {
        Path pgRestore = tool("pg_restore", file);
        Path psql = tool("psql", file);
        Path sql = file.resolveSibling(file.getFileName() + ".restore.sql");
        try {
            Files.writeString(sql, schema.resetSchemaStatements());
            Shell.Result script = shell.run(List.of("sh", "-c", Shell.quote(pgRestore.toString())
                    + " --no-owner --file=- " + Shell.quote(file.toString()) + " >> " + Shell.quote(sql.toString())), dir, Map.of());
            if (!script.ok()) {
                throw new DeployException("pg_restore of " + file.getFileName() + " failed (exit " + script.exitCode() + "): " + script.reason());
            }
            Shell.Result r = shell.run(List.of(psql.toString(), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
                    "--single-transaction", "--file=" + sql, "--dbname=" + libpqUrl()), dir, credentials());
            if (!r.ok()) {
                throw new DeployException("restore of " + file.getFileName() + " failed, the schema is as it was (exit "
                        + r.exitCode() + "): " + r.reason());
            }
        } catch (IOException e) {
            throw new DeployException("cannot write " + sql + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(sql);
            } catch (IOException e) {
                // A leftover script is only disk space; the dump itself is what matters.
            }
        }
    }

    private Path tool(String name, Path file) {
        return shell.which(name).orElseThrow(() -> new DeployException("cannot restore " + file + ": " + name + " is not on PATH"));
    }

    private void prune() {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> dumps = files.filter(p -> p.getFileName().toString().endsWith(".dump")).sorted().toList();
            for (int i = 0; i < dumps.size() - keep; i++) {
                Files.deleteIfExists(dumps.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JDBC URL as libpq reads it: host, port, database and sslmode; user and password go in the environment. */
    String libpqUrl() {
        URI u = URI.create(url.jdbcUrl().substring("jdbc:".length()));
        String sslmode = u.getRawQuery() == null ? null : Stream.of(u.getRawQuery().split("&"))
                .filter(kv -> kv.startsWith("sslmode=")).findFirst().orElse(null);
        return "postgresql://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getRawPath()
                + (sslmode == null ? "" : "?" + sslmode);
    }

    private Map<String, String> credentials() {
        Map<String, String> env = new HashMap<>();
        url.user().ifPresent(u -> env.put("PGUSER", u));
        url.password().ifPresent(p -> env.put("PGPASSWORD", p.reveal()));
        return env;
    }
}
