package dev.serveragent.reactive;

import dev.serveragent.config.TelegramConfig;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.telegram.CallbackListener;
import dev.serveragent.telegram.TelegramActions;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OK button. A Master's press on a pending approval approves it and queues its job; any other
 * press (a stranger, a forged or stale button) only gets an answer saying why, and changes nothing.
 * Every press is answered ({@code answerCallbackQuery}) so the client stops its spinner.
 */
final class Approvals implements CallbackListener {
    private static final Logger log = LoggerFactory.getLogger(Approvals.class);

    private final ApprovalRepository approvals;
    private final TelegramActions telegram;
    private final TelegramConfig config;
    private final Runnable wakeWorkers;
    private final Clock clock;

    Approvals(ApprovalRepository approvals, TelegramActions telegram, TelegramConfig config, Runnable wakeWorkers, Clock clock) {
        this.approvals = approvals;
        this.telegram = telegram;
        this.config = config;
        this.wakeWorkers = wakeWorkers;
        this.clock = clock;
    }

    @Override
    public void onCallback(CallbackQuery q) {
        telegram.answerCallbackQuery(q.id(), decide(q));
    }

    private String decide(CallbackQuery q) {
        if (!config.isMaster(q.fromUserId()) && !config.isMaster(q.chatId())) {
            log.info("Button press from a non-Master (user {}, chat {}) ignored", q.fromUserId(), q.chatId());
            return "Only the Master can approve.";
        }
        long id = Acknowledgement.approvalId(q.data());
        Optional<ApprovalRepository.Approval> approval = id < 0 ? Optional.empty() : approvals.find(id);
        if (approval.isEmpty() || approval.get().threadId() != q.threadId()) {
            return "This button does not name a request of this chat.";
        }
        Optional<Long> job = approvals.approve(id, q.fromUserId(), clock.instant());
        telegram.removeInlineKeyboard(q.chatId(), q.messageId());
        if (job.isPresent()) {
            wakeWorkers.run();
            return "OK, working on it.";
        }
        String status = approvals.find(id).map(ApprovalRepository.Approval::status).orElse("gone");
        return switch (status) {
            case "superseded" -> "This request was replaced by a newer message; nothing was done.";
            case "approved" -> "Already approved.";
            case "expired" -> "This request expired; send it again.";
            case "pending" -> "This request has expired; send it again.";
            default -> "This request is no longer waiting (" + status + ").";
        };
    }
}
