package dev.serveragent.reactive;

import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.config.AppConfig;
import dev.serveragent.proactive.ProactiveControl;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.store.Database;
import dev.serveragent.store.ContextRepository;
import dev.serveragent.store.JobRepository;
import dev.serveragent.store.LedgerRepository;
import dev.serveragent.channel.Channels;
import dev.serveragent.channel.Outbox;
import dev.serveragent.channel.PressListener;
import dev.serveragent.masters.Masters;
import dev.serveragent.masters.Pairing;
import dev.serveragent.masters.PairingHint;
import java.time.Clock;
import java.util.List;

/** The reactive loop, assembled: worker, approval handling, expiry. Built by the composition root. */
public final class ReactiveModule {
    private final ReactiveWorker worker;
    private final ApprovalExpiry expiry;
    private final Approvals approvals;
    private final int workers;
    private final JobHandler handler;

    public ReactiveModule(AppConfig config, Database database, Classifier classifier, ClaudeRunner runner,
            ExecutionPrompts prompts, Outbox outbox, Channels channels, Masters masters, Pairing pairing,
            PairingHint hint, ProactiveControl proactive, Clock clock) {
        var jdbi = database.jdbi();
        JobRepository jobs = new JobRepository(jdbi);
        ApprovalRepository approvalRepo = new ApprovalRepository(jdbi);
        ContextRepository context = new ContextRepository(jdbi);
        LedgerRepository ledger = new LedgerRepository(jdbi);
        ExecuteStep execute = new ExecuteStep(approvalRepo, ledger, runner, prompts, outbox, channels, config.reactive(), clock);
        ClassifyStep classify = new ClassifyStep(jobs, approvalRepo, ledger, classifier, outbox, config.approval(),
                new dev.serveragent.store.Transactions(jdbi), clock);
        MasterCommands commands = new MasterCommands(jobs, ledger, proactive, execute::cancel, masters, clock);
        this.handler = new JobHandler(context, masters, pairing, hint, channels, commands, classify, execute, outbox);
        this.worker = new ReactiveWorker(jobs, handler, execute, outbox, database.dataSource(), config.reactive(), clock);
        this.expiry = new ApprovalExpiry(approvalRepo, outbox, channels, clock);
        this.workers = config.reactive().workers();
        this.approvals = new Approvals(approvalRepo, context, channels, masters, worker::wake, clock);
    }

    /** Background components, in start order. */
    public List<Lifecycle> components() {
        return workers > 0 ? List.of(worker, expiry) : List.of(expiry);
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
