package dev.serveragent.reactive;

import com.anthropic.client.AnthropicClient;
import dev.serveragent.channel.ChannelsModule;
import dev.serveragent.claude.ClaudeCodeRunner;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.claude.PromptPack;
import dev.serveragent.config.AppConfig;
import dev.serveragent.masters.MastersModule;
import dev.serveragent.masters.PairingHint;
import dev.serveragent.masters.PairingInvite;
import dev.serveragent.media.AnthropicClients;
import dev.serveragent.proactive.ProactiveControl;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.store.Repositories;
import dev.serveragent.web.Capability;
import dev.serveragent.channel.PressListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The reactive loop, assembled: classifier, worker, approval handling, expiry. Built by the composition root. */
public final class ReactiveModule implements Capability {
    private final Classifier classifier;
    private final ReactiveWorker worker;
    private final ApprovalExpiry expiry;
    private final Approvals approvals;
    private final int workers;
    private final JobHandler handler;
    private final List<AutoCloseable> resources;

    private ReactiveModule(AppConfig config, Repositories repositories, Classifier classifier, List<AutoCloseable> resources,
            ClaudeRunner runner, ExecutionPrompts prompts, ChannelsModule channelsModule, MastersModule mastersModule,
            PairingInvite invite, ProactiveControl proactive, Clock clock) {
        var outbox = channelsModule.outbox();
        var channels = channelsModule.channels();
        var masters = mastersModule.masters();
        var jobs = repositories.jobs();
        var approvalRepo = repositories.approvals();
        var context = repositories.context();
        var ledger = repositories.ledger();
        this.classifier = classifier;
        this.resources = List.copyOf(resources);
        ExecuteStep execute = new ExecuteStep(approvalRepo, ledger, runner, prompts, outbox, channels, config.reactive(), clock);
        ClassifyStep classify = new ClassifyStep(jobs, approvalRepo, ledger, classifier, outbox, config.approval(),
                repositories.transactions(), clock);
        MasterCommands commands = new MasterCommands(jobs, ledger, proactive, execute::cancel, masters, clock);
        PairingHint hint = new PairingHint(masters, invite, repositories.messages(), outbox, clock);
        this.handler = new JobHandler(context, masters, mastersModule.pairing(), hint, channels, commands, classify, execute, outbox);
        this.worker = new ReactiveWorker(jobs, handler, execute, outbox, repositories.database().dataSource(), config.reactive(), clock);
        this.expiry = new ApprovalExpiry(approvalRepo, outbox, channels, clock);
        this.workers = config.reactive().workers();
        this.approvals = new Approvals(approvalRepo, context, channels, masters, worker::wake, clock);
    }

    /**
     * @param runner what classification (through the CLI) and execution run on
     * @param pack and {@code requests}: the system prompts and request defaults of execution runs
     * @param storedLogin the Claude Code CLI's own login, in use when no key or token is configured
     * @param invite the pairing invitation a stranger's first message is answered with (a hint to the Master)
     * @param masterNow the Master's current time and zone, for the acknowledgement's "when"
     */
    public static ReactiveModule build(AppConfig config, Repositories repositories, ClaudeRunner runner, PromptPack pack,
            ClaudeCodeRunner requests, Optional<Path> storedLogin, ChannelsModule channels, MastersModule masters,
            PairingInvite invite, ProactiveControl proactive, Supplier<ZonedDateTime> masterNow, Clock clock) {
        List<AutoCloseable> resources = new ArrayList<>();
        Classifier classifier = classifier(config, runner, storedLogin.isPresent(), masterNow, resources);
        return new ReactiveModule(config, repositories, classifier, resources, runner, new PackedPrompts(pack, requests),
                channels, masters, invite, proactive, clock);
    }

    /**
     * Haiku through the API when a key is set; else Claude Code's CLI with the Haiku model when
     * the CLI can authenticate (an OAuth token, or its own stored login: subscription-only
     * operators); else none, and the Master is told what is missing.
     */
    private static Classifier classifier(AppConfig config, ClaudeRunner runner, boolean storedLogin, Supplier<ZonedDateTime> now,
            List<AutoCloseable> resources) {
        Optional<AnthropicClient> haiku = AnthropicClients.haiku(config.anthropic())
                .map(c -> c.withOptions(o -> o.timeout(config.anthropic().classifierTimeout())));
        if (haiku.isPresent()) {
            resources.add(haiku.get()::close);
            return new HaikuClassifier(haiku.get(), config.anthropic().haikuModel(), now);
        }
        if (config.claudeCode().oauthToken().isPresent() || storedLogin) {
            return new CliClassifier(runner, config.anthropic().haikuModel(), now);
        }
        return Classifier.unavailable("no classifier is configured (set ANTHROPIC_API_KEY, HAIKU_API_KEY or CLAUDE_CODE_OAUTH_TOKEN)",
                noModel(config.files().secrets()));
    }

    /** What a Master is told, in the conversation, when no model can be called; {@code secrets} is where the key goes. */
    static String noModel(Path secrets) {
        return """
                I can't understand or answer yet: no model is configured. Fix it with one line in %s \
                (keep it readable by you only: chmod 600), then restart:
                  ANTHROPIC_API_KEY=sk-ant-…   (an Anthropic API key)
                or log in the Claude Code CLI on this machine with your Claude subscription (run `claude`, then restart me), \
                or set CLAUDE_CODE_OAUTH_TOKEN (from `claude setup-token`) in the same file.""".formatted(secrets);
    }

    /** The classifier in use; its {@code missing()} says why no model can be called, if none can. */
    public Classifier classifier() {
        return classifier;
    }

    /** Background components, in start order. */
    @Override
    public List<Lifecycle> components() {
        return workers > 0 ? List.of(worker, expiry) : List.of(expiry);
    }

    /** The classifier's API client, when it has one. */
    @Override
    public List<AutoCloseable> resources() {
        return resources;
    }

    /** Slash commands of another capability, answered by it without a model (the agenda's). */
    public void addCommands(CommandExtension commands) {
        handler.extend(commands);
    }

    public PressListener presses() {
        return approvals;
    }

    public ReactiveWorker worker() {
        return worker;
    }

    /** One expiry pass now (tests move the clock, then call this). */
    public int expireDue() {
        return expiry.runDue();
    }
}
