package dev.serveragent.reactive;

import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.channel.ChannelActions;
import dev.serveragent.channel.Outbox;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires approvals left unanswered past {@code APPROVAL_TIMEOUT_SECONDS}: the approval becomes
 * {@code expired}, its job {@code failed}, the button is removed and the Master told.
 * {@link #runDue()} does one pass; the component calls it every {@link #EVERY}.
 */
final class ApprovalExpiry implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(ApprovalExpiry.class);
    static final Duration EVERY = Duration.ofSeconds(15);

    private final ApprovalRepository approvals;
    private final Outbox outbox;
    private final ChannelActions channels;
    private final Clock clock;
    private volatile Thread loop;
    private volatile java.util.concurrent.CountDownLatch stopping;

    ApprovalExpiry(ApprovalRepository approvals, Outbox outbox, ChannelActions channels, Clock clock) {
        this.approvals = approvals;
        this.outbox = outbox;
        this.channels = channels;
        this.clock = clock;
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
    public synchronized void start() {
        if (loop != null) {
            return;
        }
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        stopping = stop;
        loop = Thread.ofVirtual().name("approval-expiry").start(() -> {
            try {
                do {
                    try {
                        runDue();
                    } catch (RuntimeException e) {
                        log.warn("Expiring approvals failed: {}", e.toString());
                    }
                } while (!stop.await(EVERY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    public synchronized void stop() {
        if (loop == null) {
            return;
        }
        stopping.countDown();
        Lifecycle.awaitEnd(loop);
        loop = null;
    }
}
