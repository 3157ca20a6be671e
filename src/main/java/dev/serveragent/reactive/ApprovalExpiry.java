package dev.serveragent.reactive;

import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.channel.ChannelActions;
import dev.serveragent.channel.Outbox;
import dev.serveragent.runtime.Loop;
import java.time.Clock;
import java.time.Duration;

/**
 * Expires approvals left unanswered past {@code APPROVAL_TIMEOUT_SECONDS}: the approval becomes
 * {@code expired}, its job {@code failed}, the button is removed and the Master told.
 * {@link #runDue()} does one pass; its {@link Loop} runs one every {@link #EVERY}.
 */
final class ApprovalExpiry implements Lifecycle {
    static final Duration EVERY = Duration.ofSeconds(15);

    private final ApprovalRepository approvals;
    private final Outbox outbox;
    private final ChannelActions channels;
    private final Clock clock;
    private final Loop loop;

    ApprovalExpiry(ApprovalRepository approvals, Outbox outbox, ChannelActions channels, Clock clock) {
        this.approvals = approvals;
        this.outbox = outbox;
        this.channels = channels;
        this.clock = clock;
        this.loop = Loop.named("approval-expiry", () -> runDue() > 0 ? Loop.Next.worked(EVERY) : Loop.Next.idle(EVERY))
                .onError(EVERY, EVERY).describedAs("Expiring approvals").build();
    }

    /** Expires what is due now; returns how many. */
    int runDue() {
        var expired = approvals.expireDue(clock.instant());
        for (var e : expired) {
            outbox.send(e.threadId(), "No OK within the time limit, so I did not do it: " + e.proposalText()
                    + " Send the request again if you still want it.");
            if (e.ackMessageId() != null) {
                channels.removeButton(e.ackMessageId());
            }
        }
        return expired.size();
    }

    @Override
    public void start() {
        loop.start();
    }

    @Override
    public void stop() {
        loop.stop();
    }

    /** The loop (tests: {@link Loop#awaitIdle}). */
    Loop loop() {
        return loop;
    }
}
