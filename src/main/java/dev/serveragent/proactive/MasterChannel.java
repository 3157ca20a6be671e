package dev.serveragent.proactive;

import dev.serveragent.channel.Outbox;
import dev.serveragent.masters.Masters;
import dev.serveragent.store.ThreadRepository;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own line to the Master (the proactive loop, proposals, the daily report): the
 * Master's chat ({@link Masters#masterChat}) in the first of the channels that are on, in the
 * root's order, that has one: with Telegram on, the private chat of its first Master (listed in
 * {@code MASTER_CHAT_IDS}, else the first paired one); otherwise, or while no Telegram Master is
 * known, the console's thread. Messages go through the {@link Outbox}, which stores each one
 * before a channel shows it. Names no platform. Thread-safe.
 */
public final class MasterChannel {
    private static final Logger log = LoggerFactory.getLogger(MasterChannel.class);

    private final Outbox outbox;
    private final Masters masters;
    private final List<String> platforms;
    private final ThreadRepository threads;

    /** @param platforms the channels that are on, in the order they are tried */
    public MasterChannel(Outbox outbox, Masters masters, List<String> platforms, ThreadRepository threads) {
        this.outbox = outbox;
        this.masters = masters;
        this.platforms = List.copyOf(platforms);
        this.threads = threads;
    }

    /** The Master's thread (created on first use), or empty when there is no way to reach one. */
    public Optional<Long> threadId() {
        for (String platform : platforms) {
            Optional<Long> chat = masters.masterChat(platform);
            if (chat.isPresent()) {
                return Optional.of(threads.findOrCreate(platform, chat.get()));
            }
        }
        return Optional.empty();
    }

    /** Whether {@link #threadId()} can no longer change to a better chat: the first channel that is on knows its Master's chat. */
    public boolean settled() {
        return platforms.isEmpty() || masters.masterChat(platforms.getFirst()).isPresent();
    }

    /** Sends {@code text} to the Master as plain text; false (and logged) when there is no way to. */
    public boolean send(String text) {
        return send(text, false);
    }

    /** Like {@link #send}, for a model's words: its Markdown is rendered ({@link Outbox#sendMarkdown}). */
    public boolean sendMarkdown(String markdown) {
        return send(markdown, true);
    }

    private boolean send(String text, boolean markdown) {
        Optional<Long> thread = threadId();
        if (thread.isEmpty()) {
            log.info("Proactive message not sent (no Master known in {}): {}", platforms.isEmpty() ? "any channel, all off" : platforms, text);
            return false;
        }
        if (markdown) {
            outbox.sendMarkdown(thread.get(), text);
        } else {
            outbox.send(thread.get(), text);
        }
        return true;
    }

}
