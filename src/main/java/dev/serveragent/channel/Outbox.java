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

    /**
     * A file to send ({@code send_file}): {@code kind} {@code photo} (sent as a picture) or
     * {@code document}, the name and type it goes with, its bytes, a caption (may be null), and
     * the path it came from, kept with its artifact.
     */
    record FileToSend(String kind, String name, String mimeType, byte[] bytes, String caption, String path) {}

    /**
     * Keeps the file in the blob store, then stores it as one message of the thread with its
     * artifact (the blob), delivered as the thread's channel says: Telegram's sender uploads it,
     * the console offers it as a download. Returns the message id. Nothing is stored when the blob
     * cannot be kept, and the blob is removed again when the message cannot be stored.
     *
     * @throws UnsupportedOperationException from an outbox that keeps no files
     */
    default long sendFile(long threadId, FileToSend file) {
        throw new UnsupportedOperationException("this outbox sends no files");
    }

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
