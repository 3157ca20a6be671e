package dev.serveragent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Claude Code CLI and its guardrails. An OAuth token (subscription) is passed to the CLI
 * instead of the API key, which the CLI would otherwise prefer.
 *
 * @param bin {@code CLAUDE_CODE_BIN}: executable name (looked up on PATH) or path
 * @param oauthToken {@code CLAUDE_CODE_OAUTH_TOKEN}
 * @param workdir {@code CLAUDE_CODE_WORKDIR}: the only working directory of runs (created if missing)
 * @param model {@code CLAUDE_CODE_MODEL}: {@code --model}, or the CLI's own default when unset
 * @param maxTurns {@code CLAUDE_CODE_MAX_TURNS}: default {@code --max-turns}
 * @param timeout {@code CLAUDE_CODE_TIMEOUT_SECONDS}: default wall-clock bound of a run
 * @param maxRetries {@code CLAUDE_CODE_MAX_RETRIES}: API retries inside the CLI (unset, it retries a 401 for minutes)
 * @param allowedToolsQuestion {@code CLAUDE_CODE_ALLOWED_TOOLS_QUESTION}: tools a question may use (read-only)
 * @param allowedToolsCommand {@code CLAUDE_CODE_ALLOWED_TOOLS_COMMAND}: tools an approved command may use
 * @param allowedToolsProactive {@code CLAUDE_CODE_ALLOWED_TOOLS_PROACTIVE}: tools proactive work may use
 * @param deny {@code CLAUDE_CODE_DENY}: {@code --disallowedTools} patterns, applied in every mode
 * @param toolingIndexMaxChars {@code TOOLING_INDEX_MAX_CHARS}: bound of the tooling index in the system prompt
 * @param cliConfigDir where the CLI keeps its own login ({@code CLAUDE_CONFIG_DIR}, else {@code $HOME/.claude})
 */
public record ClaudeCodeConfig(
        String bin,
        Optional<Secret> oauthToken,
        Path workdir,
        Optional<String> model,
        int maxTurns,
        Duration timeout,
        int maxRetries,
        List<String> allowedToolsQuestion,
        List<String> allowedToolsCommand,
        List<String> allowedToolsProactive,
        List<String> deny,
        int toolingIndexMaxChars,
        Optional<Path> cliConfigDir) {

    public static final String DEFAULT_BIN = "claude";
    public static final int DEFAULT_MAX_TURNS = 30;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    public static final int DEFAULT_MAX_RETRIES = 2;
    public static final int DEFAULT_TOOLING_INDEX_MAX_CHARS = 6000;
    /** The system prompt travels as one argv string, which Linux caps at 128 KiB. */
    public static final int MAX_TOOLING_INDEX_CHARS = 100_000;
    /** Read-only: a question never changes anything. */
    public static final List<String> DEFAULT_ALLOWED_TOOLS_QUESTION = List.of("Read", "Glob", "Grep");
    public static final List<String> DEFAULT_ALLOWED_TOOLS_COMMAND = List.of(
            "Read", "Glob", "Grep", "Edit", "Write", "NotebookEdit", "Bash", "Task", "TodoWrite", "WebSearch", "WebFetch");
    public static final List<String> DEFAULT_ALLOWED_TOOLS_PROACTIVE = DEFAULT_ALLOWED_TOOLS_COMMAND;
    /** Destructive shell commands, denied even where Bash is allowed. A guardrail, not a sandbox. */
    public static final List<String> DEFAULT_DENY = List.of(
            "Bash(rm -rf:*)", "Bash(rm -fr:*)", "Bash(sudo:*)",
            "Bash(mkfs:*)", "Bash(dd:*)", "Bash(shred:*)", "Bash(wipefs:*)", "Bash(fdisk:*)",
            "Bash(shutdown:*)", "Bash(reboot:*)", "Bash(poweroff:*)", "Bash(halt:*)",
            "Bash(kill -9:*)", "Bash(killall:*)", "Bash(pkill:*)",
            "Bash(git push --force:*)", "Bash(git push -f:*)", "Bash(git reset --hard:*)", "Bash(git clean:*)",
            "Bash(docker system prune:*)", "Bash(docker volume rm:*)", "Bash(dropdb:*)");
    /** What an operator writes to switch a list off entirely (a blank value means "use the default"). */
    public static final String NONE = "none";

    // A tool name (Bash, mcp__server__tool) with an optional specifier in parentheses.
    private static final Pattern TOOL = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\-]*(\\(.+\\))?");

    public ClaudeCodeConfig {
        Objects.requireNonNull(bin, "CLAUDE_CODE_BIN");
        if (bin.isBlank()) {
            throw new ConfigException("CLAUDE_CODE_BIN: must not be blank");
        }
        if (toolingIndexMaxChars < 500 || toolingIndexMaxChars > MAX_TOOLING_INDEX_CHARS) {
            throw new ConfigException("TOOLING_INDEX_MAX_CHARS: " + toolingIndexMaxChars + " is out of range [500, " + MAX_TOOLING_INDEX_CHARS + "]");
        }
        allowedToolsQuestion = List.copyOf(allowedToolsQuestion);
        allowedToolsCommand = List.copyOf(allowedToolsCommand);
        allowedToolsProactive = List.copyOf(allowedToolsProactive);
        deny = List.copyOf(deny);
    }

    static ClaudeCodeConfig from(Settings s, Path dataDir) {
        return new ClaudeCodeConfig(
                s.string("CLAUDE_CODE_BIN", DEFAULT_BIN),
                s.secret("CLAUDE_CODE_OAUTH_TOKEN"),
                s.path("CLAUDE_CODE_WORKDIR", dataDir.resolve("workspace")).toAbsolutePath().normalize(),
                s.optional("CLAUDE_CODE_MODEL"),
                s.integer("CLAUDE_CODE_MAX_TURNS", DEFAULT_MAX_TURNS, 1, 1000),
                s.seconds("CLAUDE_CODE_TIMEOUT_SECONDS", DEFAULT_TIMEOUT, 5, 86_400),
                s.integer("CLAUDE_CODE_MAX_RETRIES", DEFAULT_MAX_RETRIES, 0, 20),
                tools(s, "CLAUDE_CODE_ALLOWED_TOOLS_QUESTION", DEFAULT_ALLOWED_TOOLS_QUESTION),
                tools(s, "CLAUDE_CODE_ALLOWED_TOOLS_COMMAND", DEFAULT_ALLOWED_TOOLS_COMMAND),
                tools(s, "CLAUDE_CODE_ALLOWED_TOOLS_PROACTIVE", DEFAULT_ALLOWED_TOOLS_PROACTIVE),
                tools(s, "CLAUDE_CODE_DENY", DEFAULT_DENY),
                s.integer("TOOLING_INDEX_MAX_CHARS", DEFAULT_TOOLING_INDEX_MAX_CHARS, 500, MAX_TOOLING_INDEX_CHARS),
                // Where the CLI keeps its own stored login (CLAUDE_CONFIG_DIR, else ~/.claude).
                s.optional("CLAUDE_CONFIG_DIR").or(() -> s.optional("HOME").map(h -> h + "/.claude")).map(Path::of));
    }

    /**
     * A comma-separated tool list such as {@code Read,Bash(git status:*)}. Commas inside
     * parentheses belong to the pattern. {@code none} gives an empty list.
     */
    static List<String> tools(Settings s, String name, List<String> fallback) {
        Optional<String> raw = s.optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        if (raw.get().toLowerCase(Locale.ROOT).equals(NONE)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : raw.get().toCharArray()) {
            if (c == ',' && depth == 0) {
                add(name, current, out);
                continue;
            }
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            current.append(c);
        }
        add(name, current, out);
        return List.copyOf(out);
    }

    private static void add(String name, StringBuilder current, List<String> out) {
        String t = current.toString().trim();
        current.setLength(0);
        if (t.isEmpty()) {
            return;
        }
        if (!TOOL.matcher(t).matches()) {
            throw new ConfigException(name + ": '" + t + "' is not a tool name or pattern such as Read or Bash(git status:*)");
        }
        out.add(t);
    }
}
