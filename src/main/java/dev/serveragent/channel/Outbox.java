package dev.serveragent.channel;

import java.util.List;

/**
 * Every bot message goes through here: it is stored first (a {@code chat_messages} row, role
 * {@code assistant}), then sent by a background sender that records the Telegram message id and
 * send status. Long texts are split under 4096 characters at paragraph, line, sentence or word
 * boundaries, one row per part. Nothing is sent with a parse mode: {@link #send} sends plain
 * text, {@link #sendMarkdown} text with entities (docs/TELEGRAM.md, "Rich text"). Thread-safe.
 */
public interface Outbox {
    /** Stores and queues {@code text} for the thread's chat; returns the stored message ids in order. */
    List<Long> send(long threadId, String text);

    /**
     * Like {@link #send}, for a model's answer: its Markdown is rendered ({@link Markdown}), each
     * part stored as the text and entities that go on the wire, so that a resend is identical.
     */
    List<Long> sendMarkdown(long threadId, String markdown);

    /**
     * Like {@link #send}, with an inline keyboard holding one button on the last part.
     * {@code callbackData} must be at most 64 bytes.
     */
    List<Long> sendWithButton(long threadId, String text, String buttonText, String callbackData);
}
