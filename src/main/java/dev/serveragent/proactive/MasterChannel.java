package dev.serveragent.proactive;

import dev.serveragent.channel.Channel;
import dev.serveragent.channel.Outbox;
import dev.serveragent.masters.Masters;
import dev.serveragent.store.ThreadRepository;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proactive loop's line to the Master: with Telegram on, the private chat of the first
 * Telegram Master (listed in {@code MASTER_CHAT_IDS}, else the first paired one); otherwise, or
 * while no Telegram Master is known, the console's thread. Messages go through the
 * {@link Outbox}, which stores each one before a channel shows it. Thread-safe.
 */
public final class MasterChannel {
    private static final Logger log = LoggerFactory.getLogger(MasterChannel.class);

    private final Outbox outbox;
    private final Masters masters;
    private final boolean telegramOn;
    private final boolean consoleOn;
    private final ThreadRepository threads;

    public MasterChannel(Outbox outbox, Masters masters, boolean telegramOn, boolean consoleOn, ThreadRepository threads) {
        this.outbox = outbox;
        this.masters = masters;
        this.telegramOn = telegramOn;
        this.consoleOn = consoleOn;
        this.threads = threads;
    }

    /** The Master's thread (created on first use), or empty when there is no way to reach one. */
    public Optional<Long> threadId() {
        Optional<Long> telegramMaster = telegramOn ? masters.first(Channel.TELEGRAM) : Optional.empty();
        if (telegramMaster.isPresent()) {
            // In a private chat the chat id is the user id.
            return Optional.of(threads.findOrCreate(Channel.TELEGRAM, telegramMaster.get()));
        }
        if (consoleOn) {
            return Optional.of(threads.findOrCreate(Channel.CONSOLE, Channel.CONSOLE_CHAT_ID));
        }
        return Optional.empty();
    }

    /** Whether {@link #threadId()} can no longer change to a better chat: a Telegram Master is known, or Telegram is off. */
    public boolean settled() {
        return !telegramOn || masters.first(Channel.TELEGRAM).isPresent();
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
            log.info("Proactive message not sent (no Telegram Master and the console is off): {}", text);
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
