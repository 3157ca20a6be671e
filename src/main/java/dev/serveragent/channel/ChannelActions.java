package dev.serveragent.channel;

/**
 * What the pipeline does to messages already stored, in whatever channel their thread uses:
 * answer a press, edit a message, take its button away. Messages are named by their stored
 * {@code chat_messages} id, never by a channel's own id. Every change is stored first (the new
 * text, the edit in {@code chat_message_edits}, the removed keyboard), then shown: a message not
 * yet sent goes out as it now is. Failures to show are logged and never thrown. Thread-safe.
 */
public interface ChannelActions {
    /** Stops the client's spinner with an optional short text. */
    void answerPress(Press press, String text);

    /** Replaces the text of a stored assistant message. */
    void edit(long messageId, String text);

    /** Removes the inline keyboard of a stored assistant message. */
    void removeButton(long messageId);
}
