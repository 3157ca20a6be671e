package dev.serveragent.claude;

import dev.serveragent.config.AnthropicConfig;
import dev.serveragent.config.ClaudeCodeConfig;
import dev.serveragent.config.Secret;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Claude Code CLI headless, one process per run, in {@code CLAUDE_CODE_WORKDIR}. See
 * {@link ClaudeCommand} for the exact flags and environment and docs/CLAUDE_CODE.md for why.
 * Thread-safe. {@link #close()} cancels the runs still going (their processes would otherwise
 * outlive the JVM) and refuses new ones.
 */
public final class ClaudeCodeRunner implements ClaudeRunner, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClaudeCodeRunner.class);

    private final ClaudeCodeConfig config;
    private final AnthropicConfig anthropic;
    private final Guardrails guardrails;
    private final Map<String, String> parentEnv;
    private final Optional<Path> setsid;
    private final Optional<RunTools> tools;
    private final Set<ProcessRun> active = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** {@code parentEnv} is the environment to inherit (normally {@code System.getenv()}); secrets are stripped from it. */
    public ClaudeCodeRunner(ClaudeCodeConfig config, AnthropicConfig anthropic, Map<String, String> parentEnv) {
        this(config, anthropic, parentEnv, Optional.empty());
    }

    /** With the agent's own MCP tools, handed to every run except classification (see {@link RunTools}). */
    public ClaudeCodeRunner(ClaudeCodeConfig config, AnthropicConfig anthropic, Map<String, String> parentEnv,
            Optional<RunTools> tools) {
        this.tools = tools;
        this.config = config;
        this.anthropic = anthropic;
        this.guardrails = Guardrails.from(config);
        this.parentEnv = Map.copyOf(parentEnv);
        this.setsid = ProcessTree.findSetsid(parentEnv);
        if (setsid.isEmpty()) {
            log.warn("setsid not found: Claude Code runs will not get their own process group, so a timeout or"
                    + " cancel kills only the processes still attached to the CLI (install util-linux)");
        }
        if (resolve(config.bin(), parentEnv.getOrDefault("PATH", "")).isEmpty()) {
            log.warn("CLAUDE_CODE_BIN '{}' is not an executable{}: Claude Code runs will fail until it is installed"
                    + " (npm install -g @anthropic-ai/claude-code)", config.bin(), config.bin().contains("/") ? "" : " on PATH");
        }
    }

    /** A request with the configured defaults (model, max turns, timeout). */
    public ClaudeRequest request(String prompt, String systemPrompt, ClaudeRequest.Mode mode) {
        ClaudeRequest r = ClaudeRequest.of(prompt, systemPrompt, mode, config.timeout()).withMaxTurns(config.maxTurns());
        return config.model().map(r::withModel).orElse(r);
    }

    public ClaudeCodeConfig config() {
        return config;
    }

    public Guardrails guardrails() {
        return guardrails;
    }

    @Override
    public ClaudeRun start(ClaudeRequest request) {
        if (closed) {
            return failed(ClaudeResult.Kind.CANCELED, "The agent is shutting down; the run was not started.");
        }
        try {
            Files.createDirectories(config.workdir());
        } catch (IOException e) {
            return failed(ClaudeResult.Kind.CRASHED, "Cannot create the Claude Code working directory "
                    + config.workdir() + " (CLAUDE_CODE_WORKDIR): " + e.getMessage());
        }
        Optional<Path> executable = resolve(config.bin(), parentEnv.getOrDefault("PATH", ""));
        if (executable.isEmpty()) {
            return failed(ClaudeResult.Kind.NOT_FOUND, "The Claude Code CLI '" + config.bin() + "' was not found"
                    + (config.bin().contains("/") ? "" : " on PATH") + ". Install it (npm install -g @anthropic-ai/claude-code)"
                    + " or point CLAUDE_CODE_BIN at it.");
        }
        Optional<RunTools.Grant> grant;
        try {
            grant = request.mode() == ClaudeRequest.Mode.CLASSIFY ? Optional.empty() : tools.map(t -> t.open(request));
        } catch (RuntimeException e) {
            return failed(ClaudeResult.Kind.CRASHED, "Could not open the agent's tools for the run: " + e.getMessage());
        }
        ClaudeCommand command = ClaudeCommand.build(executable.get(), request, config, anthropic, guardrails, parentEnv, grant);
        List<String> argv = new ArrayList<>();
        setsid.ifPresent(s -> argv.addAll(List.of(s.toString(), "--wait"))); // own process group, same pid (see ProcessTree)
        argv.addAll(command.argv());
        ProcessBuilder pb = new ProcessBuilder(argv).directory(command.workdir().toFile());
        pb.environment().clear();
        pb.environment().putAll(command.env());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            grant.ifPresent(RunTools.Grant::close);
            // error=2 / error=13: vanished or not executable since resolve(); anything else (e.g. E2BIG) is ours
            String why = String.valueOf(e.getMessage());
            boolean missing = why.contains("error=2,") || why.contains("error=13,");
            return failed(missing ? ClaudeResult.Kind.NOT_FOUND : ClaudeResult.Kind.CRASHED,
                    "Could not start the Claude Code CLI " + executable.get() + ": " + why);
        }
        log.info("Claude Code run {} started: {} mode, {} allowed tools, {} deny patterns, timeout {}{}", process.pid(),
                request.mode(), guardrails.allowedTools(request.mode()).size(), guardrails.deny().size(), request.timeout(),
                request.resumeSessionId().map(id -> ", resuming " + id).orElse(""));
        log.debug("Claude Code run {}: {}", process.pid(), scrub().apply(command.describe()));
        ProcessRun run = ProcessRun.start(process, setsid.isPresent(), request, scrub());
        active.add(run);
        run.whenDone(() -> {
            active.remove(run);
            grant.ifPresent(RunTools.Grant::close); // the credential dies with the run
        });
        if (closed) {
            run.cancel(); // close() raced with this start
        }
        return run;
    }

    /** Runs started and not yet finished. */
    public int activeRuns() {
        return active.size();
    }

    @Override
    public void close() {
        closed = true;
        for (ProcessRun run : active) {
            run.cancel();
        }
    }

    private static ClaudeRun failed(ClaudeResult.Kind kind, String message) {
        log.warn("Claude Code run not started: {}", message);
        return new FinishedRun(new ClaudeResult.Failed(kind, message, Optional.empty(), Usage.ZERO));
    }

    /** Replaces the credentials we hand the CLI wherever they might be echoed back (stderr, messages). */
    private UnaryOperator<String> scrub() {
        List<String> secrets = new ArrayList<>();
        config.oauthToken().map(Secret::reveal).ifPresent(secrets::add);
        anthropic.apiKey().map(Secret::reveal).ifPresent(secrets::add);
        return s -> {
            String out = s;
            for (String secret : secrets) {
                out = out.replace(secret, "****");
            }
            return out;
        };
    }

    /** {@code bin} as a path (when it has a slash) or looked up on {@code path}; only executable regular files. */
    static Optional<Path> resolve(String bin, String path) {
        if (bin.contains("/")) {
            Path p = Path.of(bin).toAbsolutePath();
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        return onPath(bin, path);
    }

    static Optional<Path> onPath(String name, String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
