package dev.serveragent.mcp;

import dev.serveragent.claude.ClaudeCodeRunner;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.claude.PromptPack;
import dev.serveragent.claude.StoredLogin;
import dev.serveragent.claude.TimedRunner;
import dev.serveragent.config.AppConfig;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.web.Capability;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claude Code, assembled: the agent's own MCP tool server with every tool given to it, the CLI
 * runner (a process per run, inheriting this process's environment minus its secrets; closing it
 * cancels the runs still going, so no CLI outlives the process), the prompt pack, and the timed
 * runner the model-driven loops use. Built once the services the tools call exist, so each tool
 * holds its service directly. The tool server is this module's one component: list this module
 * before every module that starts a run, so the server is up first and stopped last.
 */
public final class ClaudeCodeModule implements Capability {
    private static final Logger log = LoggerFactory.getLogger(ClaudeCodeModule.class);

    private final AgentToolServer tools;
    private final ClaudeCodeRunner claudeCode;
    private final PromptPack promptPack;
    private final ClaudeRunner runner;
    private final Optional<Path> storedLogin;

    private ClaudeCodeModule(AgentToolServer tools, ClaudeCodeRunner claudeCode, PromptPack promptPack, ClaudeRunner runner,
            Optional<Path> storedLogin) {
        this.tools = tools;
        this.claudeCode = claudeCode;
        this.promptPack = promptPack;
        this.runner = runner;
        this.storedLogin = storedLogin;
    }

    /**
     * @param tools every {@code mcp__agent__*} tool; the server lists, allows and scopes each by its modes
     * @param notes the notes section of a run's system prompt for its thread (empty: every note), read at each run
     * @param runnerOverride replaces the CLI runner in the model-driven loops (tests)
     */
    public static ClaudeCodeModule build(AppConfig config, List<AgentTool> tools, Function<OptionalLong, String> notes,
            Optional<ClaudeRunner> runnerOverride, java.time.Clock clock, MeterRegistry metrics) {
        AgentToolServer server = new AgentToolServer(tools, config.claudeCode().workdir(), clock);
        ClaudeCodeRunner claudeCode = new ClaudeCodeRunner(config.claudeCode(), config.anthropic(), System.getenv(), Optional.of(server));
        PromptPack pack = PromptPack.from(config.claudeCode()).withAgent(server, notes);
        ClaudeRunner runner = new TimedRunner(runnerOverride.orElse(claudeCode), metrics);
        Optional<Path> storedLogin = config.anthropic().apiKey().isEmpty() && config.claudeCode().oauthToken().isEmpty()
                ? StoredLogin.detect(config.claudeCode().bin(), System.getenv().getOrDefault("PATH", ""), config.claudeCode().cliConfigDir())
                : Optional.empty();
        if (storedLogin.isPresent()) {
            log.info("Using the Claude Code CLI's own stored login ({}) for classification and answers", storedLogin.get());
        } else if (config.anthropic().haikuApiKey().isEmpty() && config.claudeCode().oauthToken().isEmpty()) {
            log.warn("No model can be called: set ANTHROPIC_API_KEY (or HAIKU_API_KEY) or CLAUDE_CODE_OAUTH_TOKEN in {},"
                    + " or log in the claude CLI on this machine, then restart.", config.files().secrets());
        }
        return new ClaudeCodeModule(server, claudeCode, pack, runner, storedLogin);
    }

    /** The CLI runner itself (its configured request defaults; closed with this module). */
    public ClaudeCodeRunner claudeCode() {
        return claudeCode;
    }

    public PromptPack promptPack() {
        return promptPack;
    }

    /** What the model-driven loops run through: the CLI, or the tests' runner, timed. */
    public ClaudeRunner runner() {
        return runner;
    }

    /** The CLI's own stored login, used when no key or token is configured (subscription-only operators). */
    public Optional<Path> storedLogin() {
        return storedLogin;
    }

    @Override
    public List<Lifecycle> components() {
        return List.of(tools);
    }

    @Override
    public List<AutoCloseable> resources() {
        return List.of(claudeCode);
    }
}
