package dev.serveragent.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compressed tooling index put into every system prompt (SPEC §6.1), rebuilt from the
 * workspace at each call: the safety constraints of the run's mode, then the agents
 * ({@code .claude/agents/*.md}), slash commands ({@code .claude/commands/**.md}), skills
 * ({@code .claude/skills/*}{@code /SKILL.md}) and MCP servers ({@code .mcp.json}) found there.
 *
 * <p>Bounded to {@code maxChars}: when the full form is too long, descriptions are shortened,
 * then dropped (names only), and only then is the list cut, saying so. The safety constraints
 * come first so they are the last thing to go. MCP server settings are never shown (their
 * environment often holds keys), only names and transports.
 */
public final class ToolingIndex {
    private static final Logger log = LoggerFactory.getLogger(ToolingIndex.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_FILES = 200;
    private static final int MAX_FILE_BYTES = 64 * 1024;
    private static final int[] DESCRIPTION_LIMITS = {160, 60, 0};

    record Entry(String name, String description) {}

    record Section(String title, List<Entry> entries) {}

    private ToolingIndex() {}

    public static String build(Path workdir, Guardrails guardrails, ClaudeRequest.Mode mode, int maxChars) {
        String safety = safety(guardrails, mode);
        List<Section> sections = List.of(
                new Section("Agents (.claude/agents; run with the Task tool)", agents(workdir.resolve(".claude/agents"))),
                new Section("Slash commands (.claude/commands)", commands(workdir.resolve(".claude/commands"))),
                new Section("Skills (.claude/skills)", skills(workdir.resolve(".claude/skills"))),
                new Section("MCP servers (.mcp.json)", mcpServers(workdir.resolve(".mcp.json"))));
        String text = "";
        for (int limit : DESCRIPTION_LIMITS) {
            text = render(safety, sections, limit);
            if (text.length() <= maxChars) {
                return text;
            }
        }
        return cut(text, maxChars);
    }

    static String safety(Guardrails g, ClaudeRequest.Mode mode) {
        List<String> allowed = g.allowedTools(mode);
        StringBuilder s = new StringBuilder();
        s.append("- Work only in the current working directory; do not read or change files outside it.\n");
        s.append("- Tools allowed in this ").append(mode.name().toLowerCase(java.util.Locale.ROOT)).append(" run: ")
                .append(allowed.isEmpty() ? "none" : String.join(", ", allowed))
                .append(". Any other tool is refused without asking.\n");
        s.append("- Denied in every run: ").append(g.deny().isEmpty() ? "nothing beyond the above" : String.join(", ", g.deny())).append(".\n");
        s.append("- Never reveal, print, store or send credentials, tokens or keys; none are in your environment on purpose.\n");
        s.append("- Nothing irreversible (deleting data, force-pushing, dropping databases, stopping services)"
                + " unless the approved plan names it explicitly.");
        return s.toString();
    }

    private static String render(String safety, List<Section> sections, int descriptionLimit) {
        StringBuilder out = new StringBuilder("## Safety constraints\n").append(safety).append('\n');
        for (Section section : sections) {
            out.append("\n## ").append(section.title()).append('\n');
            if (section.entries().isEmpty()) {
                out.append("- none\n");
            } else if (descriptionLimit == 0) {
                out.append(String.join(", ", section.entries().stream().map(Entry::name).toList())).append('\n');
            } else {
                for (Entry e : section.entries()) {
                    out.append("- ").append(e.name());
                    String d = shorten(e.description(), descriptionLimit);
                    out.append(d.isEmpty() ? "" : ": " + d).append('\n');
                }
            }
        }
        return out.toString().strip();
    }

    private static String cut(String text, int maxChars) {
        String marker = "\n[tooling index cut to " + maxChars + " characters; see .claude/ for the rest]";
        int end = text.lastIndexOf('\n', Math.max(0, maxChars - marker.length()));
        return (end <= 0 ? text.substring(0, Math.max(0, maxChars - marker.length())) : text.substring(0, end)) + marker;
    }

    static String shorten(String s, int limit) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() <= limit ? one : one.substring(0, limit - 1).stripTrailing() + "…";
    }

    private static List<Entry> agents(Path dir) {
        List<Entry> out = new ArrayList<>();
        for (Path f : files(dir, 1, "*.md")) {
            FrontMatter.Parsed p = FrontMatter.parse(read(f));
            out.add(new Entry(p.fields().getOrDefault("name", stem(f)), p.fields().getOrDefault("description", "")));
        }
        return sorted(out);
    }

    private static List<Entry> commands(Path dir) {
        List<Entry> out = new ArrayList<>();
        for (Path f : files(dir, 4, "*.md")) {
            FrontMatter.Parsed p = FrontMatter.parse(read(f));
            Path rel = dir.relativize(f);
            String name = "/" + stem(f) + (rel.getParent() == null ? "" : " (" + rel.getParent().toString().replace('/', ':') + ")");
            out.add(new Entry(name, p.fields().getOrDefault("description", FrontMatter.firstTextLine(p.body()))));
        }
        return sorted(out);
    }

    private static List<Entry> skills(Path dir) {
        List<Entry> out = new ArrayList<>();
        for (Path f : files(dir, 2, "SKILL.md")) {
            if (f.getParent().getParent().equals(dir)) {
                FrontMatter.Parsed p = FrontMatter.parse(read(f));
                out.add(new Entry(p.fields().getOrDefault("name", f.getParent().getFileName().toString()),
                        p.fields().getOrDefault("description", "")));
            }
        }
        return sorted(out);
    }

    private static List<Entry> mcpServers(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        try {
            JsonNode servers = JSON.readTree(read(file)).path("mcpServers");
            for (Map.Entry<String, JsonNode> s : servers.properties()) {
                JsonNode v = s.getValue();
                String type = v.path("type").asText(v.has("url") ? "http" : "stdio");
                out.add(new Entry(s.getKey() + " (" + type + ")", ""));
            }
        } catch (IOException | RuntimeException e) {
            return List.of(new Entry(".mcp.json could not be read (" + e.getClass().getSimpleName() + ")", ""));
        }
        return sorted(out);
    }

    private static List<Entry> sorted(List<Entry> entries) {
        entries.sort(Comparator.comparing(Entry::name));
        return entries;
    }

    private static List<Path> files(Path dir, int depth, String glob) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        var matcher = dir.getFileSystem().getPathMatcher("glob:" + glob);
        try (Stream<Path> s = Files.walk(dir, depth)) {
            return s.filter(p -> matcher.matches(p.getFileName()) && Files.isRegularFile(p)).sorted().limit(MAX_FILES).toList();
        } catch (IOException | RuntimeException e) {
            log.warn("Tooling index: cannot list {}: {}", dir, e.toString());
            return List.of();
        }
    }

    private static String read(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            return new String(in.readNBytes(MAX_FILE_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("Tooling index: cannot read {}: {}", f, e.toString());
            return "";
        }
    }

    private static String stem(Path f) {
        String n = f.getFileName().toString();
        return n.endsWith(".md") ? n.substring(0, n.length() - 3) : n;
    }
}
