package dev.serveragent.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Changes to stored assistant messages made by the pipeline (edits, button removal), kept before
 * any channel shows them: the text in {@code chat_messages}, the old and new text in
 * {@code chat_message_edits}. Thread-safe.
 */
public final class MessageRepository {
    /**
     * A stored message and where it lives. {@code platformMessageId} is null until a channel
     * delivered it; {@code sendStatus} is the outbox state (null when not for Telegram).
     */
    public record Placed(long messageId, long threadId, String platform, long chatId, Long platformMessageId,
                         String sendStatus, boolean changed) {}

    private final Jdbi jdbi;

    public MessageRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Sets the text and records the edit; {@code changed} is false when the text was already this. */
    public Optional<Placed> edit(long messageId, String text, Instant now) {
        return jdbi.inTransaction(h -> {
            Optional<String[]> row = h.createQuery("select text from chat_messages where id = :id for update")
                    .bind("id", messageId).map((rs, ctx) -> new String[] {rs.getString("text")}).findOne();
            if (row.isEmpty()) {
                return Optional.empty();
            }
            String previous = row.get()[0];
            boolean changed = !text.equals(previous);
            if (changed) {
                h.createUpdate("""
                                insert into chat_message_edits (message_id, previous_text, new_text, edited_at, raw_payload)
                                values (:id, :prev, :next, :now, '{"source":"agent"}'::jsonb)""")
                        .bind("id", messageId).bind("prev", previous).bind("next", text).bind("now", now).execute();
                // The new text is plain: the old entities would not fit it.
                h.createUpdate("update chat_messages set text = :text, entities = null, edited_at = :now where id = :id")
                        .bind("text", text).bind("now", now).bind("id", messageId).execute();
            }
            return placed(h, messageId, changed);
        });
    }

    /** Drops the inline keyboard; {@code changed} is false when it had none. */
    public Optional<Placed> removeMarkup(long messageId) {
        return jdbi.inTransaction(h -> {
            int n = h.createUpdate("update chat_messages set reply_markup = null where id = :id and reply_markup is not null")
                    .bind("id", messageId).execute();
            return placed(h, messageId, n > 0);
        });
    }

    /**
     * Whether the bot stored exactly {@code text} in the thread after {@code since}: a fixed
     * notice's own durable rate limit (it survives restarts and is shared by replicas). Uses
     * {@code chat_messages_thread_created_idx}.
     */
    public boolean sentSince(long threadId, String text, Instant since) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select exists (select 1 from chat_messages
                                       where thread_id = :thread and role = 'assistant' and created_at > :since and text = :text)""")
                .bind("thread", threadId)
                .bind("since", since)
                .bind("text", text)
                .mapTo(Boolean.class)
                .one());
    }

    private static Optional<Placed> placed(org.jdbi.v3.core.Handle h, long messageId, boolean changed) {
        return h.createQuery("""
                        select m.id, m.thread_id, t.platform, t.chat_id, m.platform_message_id, m.send_status
                        from chat_messages m join chat_threads t on t.id = m.thread_id where m.id = :id""")
                .bind("id", messageId)
                .map((rs, ctx) -> new Placed(rs.getLong("id"), rs.getLong("thread_id"), rs.getString("platform"), rs.getLong("chat_id"),
                        (Long) rs.getObject("platform_message_id", Long.class), rs.getString("send_status"), changed))
                .findOne();
    }
}
