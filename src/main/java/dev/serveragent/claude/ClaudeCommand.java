package dev.serveragent.claude;

import dev.serveragent.config.AnthropicConfig;
import dev.serveragent.config.ClaudeCodeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The argv and environment of one Claude Code run. Pure: building it starts nothing, so tests
 * and the docs can show exactly what is executed.
 *
 * <p>Environment: the parent's, minus everything secret (our own variables by name, anything
 * whose name says token, secret, password, key or credential) and minus our own
 * {@code CLAUDE_CODE_*} settings (that prefix is Claude Code's namespace too); then exactly one
 * credential: {@code CLAUDE_CODE_OAUTH_TOKEN} when set (the CLI would prefer an API key next to
 * it and bill the API instead of the subscription), else {@code ANTHROPIC_API_KEY}.
 */
public record ClaudeCommand(List<String> argv, Map<String, String> env, Path workdir) {
    /** Never inherited by the child, whatever their names look like. */
    static final Set<String> STRIPPED = Set.of(
            "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "DATABASE_URL", "TEST_DATABASE_URL",
            "ANTHROPIC_API_KEY", "HAIKU_API_KEY", "CLAUDE_CODE_OAUTH_TOKEN", "ANTHROPIC_AUTH_TOKEN",
            "ADMIN_TOKEN", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "TRANSCRIBE_API_KEY", "PGPASSWORD",
            // our settings, which live in Claude Code's CLAUDE_CODE_* namespace
            "CLAUDE_CODE_BIN", "CLAUDE_CODE_WORKDIR", "CLAUDE_CODE_MODEL", "CLAUDE_CODE_MAX_TURNS",
            "CLAUDE_CODE_TIMEOUT_SECONDS", "CLAUDE_CODE_ALLOWED_TOOLS_QUESTION", "CLAUDE_CODE_ALLOWED_TOOLS_COMMAND",
            "CLAUDE_CODE_ALLOWED_TOOLS_PROACTIVE", "CLAUDE_CODE_DENY", "TOOLING_INDEX_MAX_CHARS");
    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(TOKEN|SECRET|PASSW|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|DATABASE_URL).*");

    public ClaudeCommand {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    public static ClaudeCommand build(Path executable, ClaudeRequest r, ClaudeCodeConfig config,
            AnthropicConfig anthropic, Guardrails guardrails, Map<String, String> parentEnv) {
        return build(executable, r, config, anthropic, guardrails, parentEnv, java.util.Optional.empty());
    }

    /**
     * With the agent's own tools: {@code --mcp-config} names the run's grant file (the credential
     * is in that 0600 file, never in the argv, which other local users can read), and the tools
     * the mode may use join the allow-list.
     */
    public static ClaudeCommand build(Path executable, ClaudeRequest r, ClaudeCodeConfig config,
            AnthropicConfig anthropic, Guardrails guardrails, Map<String, String> parentEnv,
            java.util.Optional<RunTools.Grant> tools) {
        List<String> a = new ArrayList<>(List.of(executable.toString(), "-p",
                "--output-format", "stream-json", "--verbose", // stream-json in print mode refuses to run without --verbose
                "--permission-mode", "dontAsk")); // bypassPermissions is refused as root; dontAsk denies what is not allowed
        r.model().or(config::model).ifPresent(m -> a.addAll(List.of("--model", m)));
        a.addAll(List.of("--max-turns", Integer.toString(r.maxTurns())));
        if (r.systemPrompt() != null && !r.systemPrompt().isBlank()) {
            a.addAll(List.of("--append-system-prompt", r.systemPrompt()));
        }
        r.resumeSessionId().ifPresent(id -> a.addAll(List.of("--resume", id)));
        // The tool lists (and --mcp-config) are variadic, so they come last: nothing positional may follow them.
        List<String> allowed = new ArrayList<>(guardrails.allowedTools(r.mode()));
        if (r.mode() != ClaudeRequest.Mode.CLASSIFY) {
            tools.ifPresent(t -> {
                a.addAll(List.of("--mcp-config", t.mcpConfig().toString()));
                allowed.addAll(t.allowedTools());
            });
        }
        if (r.mode() == ClaudeRequest.Mode.CLASSIFY) {
            a.addAll(List.of("--tools", ""));
        } else if (!allowed.isEmpty()) {
            a.add("--allowedTools");
            a.addAll(allowed);
        }
        if (!guardrails.deny().isEmpty()) {
            a.add("--disallowedTools");
            a.addAll(guardrails.deny());
        }
        Map<String, String> env = environment(config, anthropic, parentEnv);
        if (tools.isPresent() && r.mode() != ClaudeRequest.Mode.CLASSIFY) {
            env = new HashMap<>(env);
            // The CLI may connect MCP servers in the background and send the first turn without their
            // tools (seen on a loaded host): wait for ours, and give a loaded host more than 5 s to answer.
            env.put("MCP_CONNECTION_NONBLOCKING", "false");
            env.put("MCP_CONNECT_TIMEOUT_MS", "20000");
        }
        return new ClaudeCommand(a, env, guardrails.workdir());
    }

    static Map<String, String> environment(ClaudeCodeConfig config, AnthropicConfig anthropic, Map<String, String> parentEnv) {
        Map<String, String> env = new HashMap<>();
        parentEnv.forEach((k, v) -> {
            if (!isSecretName(k)) {
                env.put(k, v);
            }
        });
        if (config.oauthToken().isPresent()) {
            env.put("CLAUDE_CODE_OAUTH_TOKEN", config.oauthToken().get().reveal());
        } else {
            anthropic.apiKey().ifPresent(k -> env.put("ANTHROPIC_API_KEY", k.reveal()));
        }
        env.put("ANTHROPIC_BASE_URL", anthropic.baseUrl().toString());
        env.put("CLAUDE_CODE_MAX_RETRIES", Integer.toString(config.maxRetries())); // else a 401 is retried for minutes
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        return env;
    }

    static boolean isSecretName(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return STRIPPED.contains(n) || SECRET_NAME.matcher(n).matches();
    }

    /** The argv with the system prompt elided, for logs. */
    public String describe() {
        List<String> shown = new ArrayList<>(argv);
        int i = shown.indexOf("--append-system-prompt");
        if (i >= 0 && i + 1 < shown.size()) {
            shown.set(i + 1, "<" + shown.get(i + 1).length() + " chars>");
        }
        return String.join(" ", shown);
    }
}
