package dev.serveragent.reactive;

import dev.serveragent.channel.ChannelActions;
import dev.serveragent.channel.Press;
import dev.serveragent.channel.PressListener;
import dev.serveragent.masters.Masters;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.store.ApprovalStatus;
import dev.serveragent.store.ContextRepository;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OK button, in any channel. A Master's press on a pending approval approves it and queues
 * its job; any other press (someone else in a group, a forged or stale button) only gets an
 * answer saying why, and changes nothing. The sender decides, never the chat: in a group that a
 * Master is in, other members cannot approve. Every press is answered so the client stops its
 * spinner.
 */
final class Approvals implements PressListener {
    private static final Logger log = LoggerFactory.getLogger(Approvals.class);

    private final ApprovalRepository approvals;
    private final ContextRepository context;
    private final ChannelActions channels;
    private final Masters masters;
    private final Runnable wakeWorkers;
    private final Clock clock;

    Approvals(ApprovalRepository approvals, ContextRepository context, ChannelActions channels, Masters masters,
              Runnable wakeWorkers, Clock clock) {
        this.approvals = approvals;
        this.context = context;
        this.channels = channels;
        this.masters = masters;
        this.wakeWorkers = wakeWorkers;
        this.clock = clock;
    }

    @Override
    public void onPress(Press press) {
        channels.answerPress(press, decide(press));
    }

    private String decide(Press q) {
        long id = Acknowledgement.approvalId(q.data());
        Optional<ApprovalRepository.Approval> approval = id < 0 ? Optional.empty() : approvals.find(id);
        // Without the press's own thread (an old message), the approval's thread is the one.
        long thread = q.threadId() == Press.UNKNOWN_THREAD ? approval.map(ApprovalRepository.Approval::threadId).orElse(Press.UNKNOWN_THREAD)
                : q.threadId();
        // The channel pressed in names its Masters; a press in one channel never acts on another's thread.
        String platform = q.platform();
        if (!masters.isMaster(platform, q.fromUserId())) {
            log.info("Button press from a non-Master (user {}, thread {}) ignored", q.fromUserId(), thread);
            return "Only the Master can approve.";
        }
        if (approval.isEmpty() || approval.get().threadId() != thread
                || !context.thread(thread).map(ContextRepository.Thread::platform).filter(platform::equals).isPresent()) {
            return "This button does not name a request of this chat.";
        }
        Optional<Long> job = approvals.approve(id, q.fromUserId(), clock.instant());
        // The acknowledgement's stored id, not the press's: a press may not say which message it came from.
        if (approval.get().ackMessageId() != null) {
            channels.removeButton(approval.get().ackMessageId());
        }
        if (job.isPresent()) {
            wakeWorkers.run();
            return "OK, working on it.";
        }
        Optional<String> status = approvals.find(id).map(ApprovalRepository.Approval::status);
        return switch (status.flatMap(ApprovalStatus::of).orElse(null)) {
            case SUPERSEDED -> "This request was replaced by a newer message; nothing was done.";
            case APPROVED -> "Already approved.";
            case EXPIRED -> "This request expired; send it again.";
            case PENDING -> "This request has expired; send it again.";
            case null, default -> "This request is no longer waiting (" + status.orElse("gone") + ").";
        };
    }
}
