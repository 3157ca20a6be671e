package dev.serveragent.reactive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serveragent.channel.Outbox;
import dev.serveragent.config.ApprovalConfig;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.store.ContextRepository.Message;
import dev.serveragent.store.JobRepository;
import dev.serveragent.store.JobRepository.Job;
import dev.serveragent.store.JobMode;
import dev.serveragent.store.LedgerRepository;
import dev.serveragent.store.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The first step of every user message's job: wait (bounded) for its artifacts, classify it with
 * the last 30 messages, acknowledge "Understood: … Will: …", then either continue at once or
 * park the job behind an approval with an OK button.
 */
final class ClassifyStep {
    static final int CONTEXT_MESSAGES = 30;
    /** How long a message's artifacts (transcripts, image JSON) may delay its classification. */
    static final Duration ARTIFACT_WAIT = Duration.ofSeconds(30);
    static final Duration ARTIFACT_RECHECK = Duration.ofSeconds(1);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JobRepository jobs;
    private final ApprovalRepository approvals;
    private final LedgerRepository ledger;
    private final Classifier classifier;
    private final Outbox outbox;
    private final ApprovalConfig approval;
    private final Clock clock;
    private final Transactions transactions;

    ClassifyStep(JobRepository jobs, ApprovalRepository approvals, LedgerRepository ledger,
            Classifier classifier, Outbox outbox, ApprovalConfig approval, Transactions transactions, Clock clock) {
        this.transactions = transactions;
        this.jobs = jobs;
        this.approvals = approvals;
        this.ledger = ledger;
        this.classifier = classifier;
        this.outbox = outbox;
        this.approval = approval;
        this.clock = clock;
    }

    /** @param channel how the Master reads this thread ("Telegram", "the browser console") */
    Outcome run(Job job, String workerId, List<Message> recent, Message trigger, String channel) {
        Instant now = clock.instant();
        Optional<String> missing = classifier.missing();
        if (missing.isPresent()) {
            outbox.send(job.threadId(), missing.get());
            return new Outcome.Done("{\"skipped\":\"no model is configured\"}");
        }
        if (jobs.hasNewerJob(job.id(), job.threadId())) {
            // A burst of this author's messages: only the newest is acknowledged.
            approvals.supersedePending(job.threadId(), job.id(), now);
            return new Outcome.Canceled("superseded by a newer message");
        }
        // Judged on the context the classifier would get, not on a fresher query: an artifact
        // finishing between the two would otherwise reach the classifier as missing.
        boolean artifactsPending = trigger.artifacts().stream().anyMatch(a -> a.status().equals("pending"));
        if (artifactsPending && now.isBefore(job.createdAt().plus(ARTIFACT_WAIT))) {
            return new Outcome.Requeue(JobMode.CLASSIFY, null, now.plus(ARTIFACT_RECHECK), false);
        }
        Classification c = classifier.classify(recent, trigger, channel);
        ObjectNode payload = JSON.createObjectNode();
        ObjectNode cj = payload.putObject("classification");
        cj.put("intent", c.intent()).put("summary", c.summary()).put("plan", c.plan())
                .put("needs_confirmation", c.needsConfirmation()).put("confidence", c.confidence());
        c.fallbackReason().ifPresent(r -> cj.put("fallback_reason", r));

        String ack = Acknowledgement.text(c);
        // Content from outside the Master (a transcript, a document, a forwarded message) may
        // carry instructions that fooled the classifier: such a request always waits for OK.
        boolean untrusted = trigger.carriesUntrusted();
        cj.put("untrusted_content", untrusted);
        boolean proceed = approval.policy() == ApprovalConfig.Policy.AUTO && !c.needsConfirmation() && !untrusted;
        // The acknowledgement, the job's move past classification and the ledger row are one
        // transaction: a kill between them would otherwise classify and acknowledge again after
        // the restart (or park the job behind an approval the Master never sees).
        Instant at = clock.instant();
        if (proceed) {
            return transactions.inOne(() -> {
                if (jobs.requeue(job.id(), workerId, c.nextMode(), payload.toString(), at, false)) {
                    outbox.send(job.threadId(), ack);
                } // else canceled or taken over meanwhile: nothing to acknowledge, but the call was made and is charged
                recordUsage(job, c);
                return new Outcome.Parked();
            });
        }
        return transactions.inOne(() -> {
            Optional<Long> approvalId = approvals.createAndPark(job.threadId(), job.id(), workerId, c.nextMode(),
                    payload.toString(), c.plan(), at, at.plus(approval.timeout()));
            if (approvalId.isPresent()) {
                List<Long> sent = outbox.sendWithButton(job.threadId(), ack, Acknowledgement.BUTTON,
                        Acknowledgement.callbackData(approvalId.get()));
                approvals.setAckMessage(approvalId.get(), sent.getLast());
            }
            recordUsage(job, c);
            return new Outcome.Parked();
        });
    }

    private void recordUsage(Job job, Classification c) {
        ledger.record(LedgerRepository.Scope.REACTIVE,
                LedgerRepository.Provider.valueOf(classifier.provider().toUpperCase(java.util.Locale.ROOT)),
                ExecuteStep.ledgerTokens(c.usage()), Map.of("purpose", "classify", "fallback", c.fallbackReason().orElse("")),
                OptionalLong.of(job.id()), clock.instant());
    }
}
