package dev.serveragent.reactive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serveragent.config.ApprovalConfig;
import dev.serveragent.proactive.MasterChannel;
import dev.serveragent.proactive.ProposalSink;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.store.JobMode;
import dev.serveragent.store.Transactions;
import dev.serveragent.channel.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Risky actions the proactive loop proposes go through the same approval path as the Master's
 * own commands: a parked {@code execute} job, a pending approval, and a message with the OK
 * button. On OK the job runs as an approved command. The job, the approval and the message are
 * one transaction, as {@link ClassifyStep}'s are: a proposal is never left without its button,
 * nor its button without the approval it names.
 */
public final class ApprovalProposals implements ProposalSink {
    private static final Logger log = LoggerFactory.getLogger(ApprovalProposals.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MasterChannel master;
    private final ApprovalRepository approvals;
    private final Outbox outbox;
    private final Transactions transactions;
    private final ApprovalConfig config;
    private final Clock clock;

    public ApprovalProposals(MasterChannel master, ApprovalRepository approvals, Outbox outbox, Transactions transactions,
            ApprovalConfig config, Clock clock) {
        this.master = master;
        this.approvals = approvals;
        this.outbox = outbox;
        this.transactions = transactions;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public void propose(String plan, String reason) {
        try {
            submit(plan, reason);
        } catch (Unreachable e) {
            log.info("Proactive proposal not sent (no Master known yet): {}", plan);
        } catch (RuntimeException e) {
            // Delivery problems must not break the proactive cycle; the proposal is in the log.
            log.warn("Proactive proposal could not be put to the Master ({}): {}", e.toString(), plan);
        }
    }

    /**
     * The approval path for other callers (a scheduled task that came due too late to run without
     * an OK): a parked {@code execute} job carrying {@code payloadJson}, its pending approval and
     * {@code message} with the OK button in {@code threadId}, in one transaction (the caller's, when
     * one is open). OK runs {@code plan}. Returns the approval's id.
     */
    public long ask(long threadId, String payloadJson, String plan, String message) {
        Instant now = clock.instant();
        return transactions.inOne(() -> {
            long approval = approvals.createProposal(threadId, JobMode.EXECUTE, payloadJson, plan, now, now.plus(config.timeout()));
            List<Long> sent = outbox.sendWithButton(threadId, Acknowledgement.clip(message), Acknowledgement.BUTTON,
                    Acknowledgement.callbackData(approval));
            approvals.setAckMessage(approval, sent.getLast());
            return approval;
        });
    }

    /** The proposal's approval id: its parked job, approval and OK message were written in one transaction. */
    @Override
    public OptionalLong submit(String plan, String reason) {
        Optional<Long> thread = master.threadId();
        if (thread.isEmpty()) {
            throw new Unreachable("no Master is known yet (nobody has paired and the console is off), so there is no one to propose to");
        }
        ObjectNode payload = JSON.createObjectNode().put("origin", "proactive");
        payload.putObject("classification").put("intent", "command").put("summary", reason).put("plan", plan)
                .put("needs_confirmation", true).put("confidence", 1.0);
        Instant now = clock.instant();
        return OptionalLong.of(transactions.inOne(() -> {
            long approval = approvals.createProposal(thread.get(), JobMode.EXECUTE, payload.toString(), plan, now, now.plus(config.timeout()));
            List<Long> sent = outbox.sendWithButton(thread.get(), Acknowledgement.clip("Proposal: " + reason + " Will: " + plan),
                    Acknowledgement.BUTTON, Acknowledgement.callbackData(approval));
            approvals.setAckMessage(approval, sent.getLast());
            return approval;
        }));
    }
}
