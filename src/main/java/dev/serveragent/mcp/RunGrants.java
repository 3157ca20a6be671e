package dev.serveragent.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.RunTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live per-run credentials: 256 random bits each, held only in memory (a run and the server
 * that serves it are always the same process, so nothing is shared between replicas) and in the
 * run's 0600 MCP config file, in a 0700 directory made at start. The file is deleted as soon as the
 * run's CLI first calls with the credential (it has read its config then), so it lies on disk only
 * for the CLI's start-up, not for the whole run; another process of the same user could read it in
 * that window (docs/THREAT_MODEL.md says what remains). A grant dies when its run ends
 * ({@link RunTools.Grant#close()}) and all of them when the server stops. Thread-safe.
 */
final class RunGrants {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, RunGrant> live = new ConcurrentHashMap<>();
    /** The config file of each live credential, until the run's first call deletes it. */
    private final Map<String, Path> unread = new ConcurrentHashMap<>();
    private final Path workdir;
    private final Clock clock;
    private volatile String url;
    private volatile Path dir;

    RunGrants(Path workdir, Clock clock) {
        this.workdir = workdir;
        this.clock = clock;
    }

    void serveAt(String endpoint) {
        try {
            dir = Files.createTempDirectory("server-agent-mcp-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private directory for the runs' MCP configs", e);
        }
        url = endpoint;
    }

    String url() {
        return url;
    }

    /** A new grant for a run of {@code mode} in {@code threadId}, with its config file written. */
    RunTools.Grant issue(OptionalLong threadId, ClaudeRequest.Mode mode, List<String> allowedTools) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        RunGrant grant = new RunGrant(threadId, mode, workdir, clock.instant());
        Path file;
        try {
            file = Files.createTempFile(dir, "run-", ".json",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, JSON.writeValueAsString(Map.of("mcpServers", Map.of(RunTools.SERVER_NAME, Map.of(
                    "type", "http", "url", url, "headers", Map.of("Authorization", "Bearer " + token))))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run's MCP config in " + dir, e);
        }
        live.put(token, grant);
        unread.put(token, file);
        AtomicBoolean closed = new AtomicBoolean();
        return new RunTools.Grant() {
            @Override
            public Path mcpConfig() {
                return file;
            }

            @Override
            public List<String> allowedTools() {
                return List.copyOf(allowedTools);
            }

            @Override
            public void close() {
                if (closed.compareAndSet(false, true)) {
                    live.remove(token);
                    unread.remove(token);
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        // The credential is already dead (removed above); a leftover file grants nothing.
                    }
                }
            }
        };
    }

    /** The live grant of {@code token}; its first use deletes the run's config file (the CLI has read it). */
    Optional<RunGrant> find(String token) {
        RunGrant grant = live.get(token);
        if (grant != null) {
            Path file = unread.remove(token);
            if (file != null) {
                delete(file);
            }
        }
        return Optional.ofNullable(grant);
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Deleted again at the run's end; the credential dies then either way.
        }
    }

    int size() {
        return live.size();
    }

    void closeAll() {
        live.clear();
        unread.values().forEach(RunGrants::delete);
        unread.clear();
    }
}
