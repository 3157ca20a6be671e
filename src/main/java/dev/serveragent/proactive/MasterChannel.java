package dev.serveragent.proactive;

import dev.serveragent.store.ProactiveStateRepository;
import dev.serveragent.telegram.Outbox;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proactive loop's line to the Master: the chat thread of the first {@code MASTER_CHAT_IDS}
 * chat, through the {@link Outbox} (which stores each message before sending it). Without an
 * outbox or a Master chat, messages are only logged. Thread-safe.
 */
public final class MasterChannel {
    private static final Logger log = LoggerFactory.getLogger(MasterChannel.class);

    private final Optional<Outbox> outbox;
    private final Optional<Long> masterChat;
    private final ProactiveStateRepository repository;
    private volatile Long threadId;

    public MasterChannel(Optional<Outbox> outbox, List<Long> masterChatIds, ProactiveStateRepository repository) {
        this.outbox = outbox;
        this.masterChat = masterChatIds.stream().findFirst();
        this.repository = repository;
    }

    /** The Master's thread (created on first use), or empty without a Master chat. */
    public Optional<Long> threadId() {
        if (masterChat.isEmpty()) {
            return Optional.empty();
        }
        Long id = threadId;
        if (id == null) {
            id = repository.findOrCreateTelegramThread(masterChat.get());
            threadId = id;
        }
        return Optional.of(id);
    }

    /** Sends {@code text} to the Master; false (and logged) when there is no way to. */
    public boolean send(String text) {
        if (outbox.isEmpty() || masterChat.isEmpty()) {
            log.info("Proactive message not sent ({}): {}",
                    outbox.isEmpty() ? "no Telegram outbox" : "MASTER_CHAT_IDS is empty", text);
            return false;
        }
        outbox.get().send(threadId().orElseThrow(), text);
        return true;
    }
}
