package dev.serveragent.channel;

import dev.serveragent.store.ContextRepository;
import dev.serveragent.store.OutboxRepository;

/**
 * One way to reach the Master ({@code chat_threads.platform}): Telegram or the browser console.
 * Called by {@link Channels} after a change is stored; implementations show it to the user.
 * Failures are logged, never thrown.
 */
public interface Channel {
    String TELEGRAM = "telegram";
    String CONSOLE = "console";
    /** The console's one user, who is a Master by the console's access rules. */
    long CONSOLE_USER = 0;
    /** The console has one conversation: its {@code chat_threads.chat_id}. */
    long CONSOLE_CHAT_ID = 1;

    /** {@code telegram} or {@code console}. */
    String platform();

    /** How the Master reads this channel, for prompts ("Telegram", "the browser console"). */
    String describe();

    /**
     * How the replies stored for this channel's threads reach its user: by its own sender, which
     * claims only this platform's rows ({@code OutboxRepository.claim(platform(), ...)}), or by
     * being stored (the channel reads them from the database).
     */
    OutboxRepository.Delivery delivery();

    /**
     * Whether this channel delivers the files the agent sends ({@code send_file}: a row with a file
     * and perhaps no text). False by default: a channel's sender must handle such rows before it says so.
     */
    default boolean takesFiles() {
        return false;
    }

    /** Reads what this channel stores of a message ({@code raw_payload}): none by default. */
    default ContextRepository.PayloadReader payloads() {
        return ContextRepository.PayloadReader.NONE;
    }

    void answerPress(Press press, String text);

    /** A sent message's text changed ({@code platformMessageId} is the channel's id of it). */
    void edited(long chatId, long platformMessageId, String text);

    /** A sent message lost its inline keyboard. */
    void buttonRemoved(long chatId, long platformMessageId);

    /** Something for this channel was stored (a new message, an edit): look now. */
    void wake();
}
