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

    /** One inline button: its label and its callback data (at most 64 bytes). */
    record Button(String text, String callbackData) {}

    /**
     * Like {@link #sendWithButton}, with several buttons on the last part, one per row (a listing
     * whose every item can be acted on). With no buttons, the same as {@link #send}. The default
     * sends one message per button after the text, for outboxes that keep one button per message.
     */
    default List<Long> sendWithButtons(long threadId, String text, List<Button> buttons) {
        List<Long> ids = new java.util.ArrayList<>(send(threadId, text));
        for (Button b : buttons) {
            ids.addAll(sendWithButton(threadId, b.text(), b.text(), b.callbackData()));
        }
        return ids;
    }
}
