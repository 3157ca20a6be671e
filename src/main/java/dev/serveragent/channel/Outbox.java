package dev.serveragent.channel;

import java.util.List;

/**
 * Every bot message goes through here: it is stored first (a {@code chat_messages} row, role
 * {@code assistant}), then sent by a background sender that records the Telegram message id and
 * send status. Long texts are split under 4096 characters at paragraph, line, sentence or word
 * boundaries, one row per part. Texts are sent as plain text (no parse mode). Thread-safe.
 */
public interface Outbox {
    /** Stores and queues {@code text} for the thread's chat; returns the stored message ids in order. */
    List<Long> send(long threadId, String text);

    /**
     * Like {@link #send}, with an inline keyboard holding one button on the last part.
     * {@code callbackData} must be at most 64 bytes.
     */
    List<Long> sendWithButton(long threadId, String text, String buttonText, String callbackData);
}
