package dev.serveragent.claude;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The fake Claude Code CLI ({@code src/test/resources/fake-claude/claude}, see its README) and
 * what it recorded. For unit tests, hand {@link #env(String)} to the runner as its parent
 * environment; for end-to-end tests through the real Application (whose environment is the
 * JVM's), call {@link #useInWorkdir(Path, String)} and set {@code CLAUDE_CODE_BIN} to
 * {@link #SCRIPT}.
 */
public final class FakeClaude {
    public static final Path HOME = Path.of("src/test/resources/fake-claude").toAbsolutePath();
    public static final Path SCRIPT = HOME.resolve("claude");
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        SCRIPT.toFile().setExecutable(true); // a checkout or copy may have lost the mode bit
    }

    private final Path recordDir;

    public FakeClaude(Path recordDir) {
        this.recordDir = recordDir;
    }

    /**
     * Points the fake at {@code workdir}: it then records into {@code workdir/.fake-claude/record}
     * and plays {@code scenario} unless the prompt names another with {@code [[fake-claude:NAME]]}.
     */
    public static FakeClaude useInWorkdir(Path workdir, String scenario) {
        try {
            Path dir = Files.createDirectories(workdir.resolve(".fake-claude"));
            Files.writeString(dir.resolve("scenario"), scenario);
            return new FakeClaude(dir.resolve("record"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A parent environment selecting {@code scenario} and recording into this fake's directory. */
    public Map<String, String> env(String scenario) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
        env.put("HOME", System.getProperty("java.io.tmpdir"));
        env.put("FAKE_CLAUDE_SCENARIO", scenario);
        env.put("FAKE_CLAUDE_RECORD_DIR", recordDir.toString());
        return env;
    }

    /** Every invocation so far, oldest first. */
    public List<Run> runs() {
        if (!Files.isDirectory(recordDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(recordDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("run-")).sorted().map(Run::new).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Run lastRun() {
        List<Run> runs = runs();
        if (runs.isEmpty()) {
            throw new AssertionError("the fake claude was never run (nothing in " + recordDir + ")");
        }
        return runs.getLast();
    }

    /** One recorded invocation. */
    public record Run(Path dir) {
        public List<String> argv() {
            return read("argv.json", new TypeReference<>() {});
        }

        public Map<String, String> env() {
            return read("env.json", new TypeReference<>() {});
        }

        public String stdin() {
            return text("stdin.txt");
        }

        public Path cwd() {
            return Path.of(text("cwd.txt"));
        }

        public long pid() {
            return Long.parseLong(text("pid").strip());
        }

        public Optional<Long> grandchildPid() {
            return optionalPid("grandchild.pid");
        }

        public Optional<Long> greatGrandchildPid() {
            return optionalPid("greatgrandchild.pid");
        }

        /** The values following {@code flag} up to the next flag. */
        public List<String> values(String flag) {
            List<String> a = argv();
            int i = a.indexOf(flag);
            if (i < 0) {
                return List.of();
            }
            int end = i + 1;
            while (end < a.size() && !a.get(end).startsWith("-")) {
                end++;
            }
            return a.subList(i + 1, end);
        }

        /** Empty until the scenario has written the whole pid (its file may exist, still empty, a moment before). */
        private Optional<Long> optionalPid(String file) {
            Path p = dir.resolve(file);
            String pid = Files.exists(p) ? text(file).strip() : "";
            return pid.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(pid));
        }

        private String text(String file) {
            try {
                return Files.readString(dir.resolve(file), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private <T> T read(String file, TypeReference<T> type) {
            try {
                return JSON.readValue(dir.resolve(file).toFile(), type);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
