package dev.serveragent.telegram;

import dev.serveragent.channel.Channel;
import dev.serveragent.store.Database;
import dev.serveragent.store.DatabaseUnavailableException;
import dev.serveragent.store.InboxRepository;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Telegram's ingestion (its own table, so its repository lives with the channel): stores one
 * update in one transaction: {@code telegram_updates} (the exactly-once record, keyed by {@code
 * update_id}), the thread upsert, the user message, its artifact
 * placeholders, its {@code reactive_jobs} row, and the supersession of the pending approvals of
 * the same sender's earlier messages in the thread; then {@code NOTIFY reactive_jobs} (delivered
 * by Postgres at commit).
 *
 * <p>Concurrent deliveries of one update: the second insert into {@code telegram_updates} waits
 * for the first transaction and then finds the key taken, so exactly one of them stores the
 * message and the job; if the first rolls back, the second stores it. Thread-safe.
 */
public final class IngestRepository {
    /** The chat an update belongs to. {@code title} may be null. */
    public record Chat(long chatId, String type, String title) {}

    /** An artifact to produce: its kind and the JSON describing the source file (the placeholder's content). */
    public record Attachment(String artifactKind, String sourceJson) {}

    /**
     * A user message (or channel post). {@code authorUserId}, {@code text} and {@code editedAt}
     * may be null; {@code createdAt} is the Telegram date.
     */
    public record Message(long platformMessageId, Long authorUserId, String text, String kind,
                          Instant createdAt, Instant editedAt, List<Attachment> attachments) {
        public Message {
            attachments = List.copyOf(attachments);
        }
    }

    /** A normalised update; {@code edit} means {@code message} replaces an earlier version. */
    public record Update(long updateId, String kind, String rawJson, Optional<Chat> chat, Optional<Message> message, boolean edit) {}

    /** What ingesting did. {@code duplicate}: the update_id was already stored and nothing changed. */
    public record Result(boolean duplicate, Optional<Long> threadId, Optional<Long> messageId, Optional<Long> jobId,
                         List<Long> artifactIds, boolean edited) {
        static Result ofDuplicate() {
            return new Result(true, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), false);
        }
    }

    private final Jdbi jdbi;
    private final LongPredicate isMaster;

    /**
     * @param isMaster whether a Telegram user is a Master ({@code masters.Masters}, the one
     *     source); asked before the transaction, and only for a message with attachments
     */
    public IngestRepository(Jdbi jdbi, LongPredicate isMaster) {
        this.jdbi = jdbi;
        this.isMaster = isMaster;
    }

    /**
     * Stores the update in one transaction.
     *
     * @throws DatabaseUnavailableException when the database did not take it: nothing is stored,
     *     and the caller asks Telegram to deliver it again
     */
    public Result ingest(Update u, Instant now) {
        try {
            return store(u, now, fromMaster(u));
        } catch (JdbiException e) {
            throw new DatabaseUnavailableException("update " + u.updateId() + " not stored: " + Database.rootMessage(e), e);
        }
    }

    private Result store(Update u, Instant now, boolean fromMaster) {
        return jdbi.inTransaction(h -> {
            int inserted = h.createUpdate("""
                            insert into telegram_updates (update_id, kind, chat_id, raw_payload, received_at)
                            values (:id, :kind, :chat, cast(:raw as jsonb), :now)
                            on conflict (update_id) do nothing""")
                    .bind("id", u.updateId())
                    .bind("kind", u.kind())
                    .bind("chat", u.chat().map(Chat::chatId).orElse(null))
                    .bind("raw", u.rawJson())
                    .bind("now", now)
                    .execute();
            if (inserted == 0) {
                return Result.ofDuplicate();
            }
            if (u.chat().isEmpty()) {
                return new Result(false, Optional.empty(), Optional.empty(), Optional.empty(), List.of(), false);
            }
            long threadId = upsertThread(h, u.chat().get(), now);
            if (u.message().isEmpty()) {
                return new Result(false, Optional.of(threadId), Optional.empty(), Optional.empty(), List.of(), false);
            }
            Message m = u.message().get();
            if (u.edit()) {
                Optional<Result> edited = edit(h, u, threadId, m);
                if (edited.isPresent()) {
                    return edited.get();
                }
                // The original was never seen (sent before the bot ran): store it as a new message.
            }
            Result stored = storeNewMessage(h, u, threadId, m, now, m.attachments().isEmpty() || fromMaster);
            if (u.edit() && stored.messageId().isEmpty()) {
                // The original was being stored at the same moment: its insert committed while ours
                // waited and then found the key taken. Now the original is visible: edit it.
                return edit(h, u, threadId, m).orElse(stored);
            }
            return stored;
        });
    }

    private static Optional<Result> edit(Handle h, Update u, long threadId, Message m) {
        return applyEdit(h, u, threadId, m)
                .map(id -> new Result(false, Optional.of(threadId), Optional.of(id), Optional.empty(), List.of(), true));
    }

    private static long upsertThread(Handle h, Chat chat, Instant now) {
        return InboxRepository.upsertThread(h, Channel.TELEGRAM, chat.chatId(), chat.type(), chat.title(), now);
    }

    private static Optional<Long> applyEdit(Handle h, Update u, long threadId, Message m) {
        Optional<StoredText> original = h.createQuery("""
                        select id, text from chat_messages
                        where thread_id = :thread and platform_message_id = :pmid and role = 'user'
                        for update""")
                .bind("thread", threadId)
                .bind("pmid", m.platformMessageId())
                .map((rs, ctx) -> new StoredText(rs.getLong("id"), rs.getString("text")))
                .findOne();
        if (original.isEmpty()) {
            return Optional.empty();
        }
        long id = original.get().id();
        Instant editedAt = m.editedAt() != null ? m.editedAt() : m.createdAt();
        h.createUpdate("""
                        insert into chat_message_edits (message_id, update_id, previous_text, new_text, edited_at, raw_payload)
                        values (:msg, :update, :prev, :next, :at, cast(:raw as jsonb))""")
                .bind("msg", id)
                .bind("update", u.updateId())
                .bind("prev", original.get().text())
                .bind("next", m.text())
                .bind("at", editedAt)
                .bind("raw", u.rawJson())
                .execute();
        // Keep the newest text for context; the versions are in chat_message_edits. Edits never
        // arrive out of order for one message in practice, but a late one must not win.
        h.createUpdate("""
                        update chat_messages set text = :text, edited_at = :at
                        where id = :id and (edited_at is null or edited_at <= :at)""")
                .bind("text", m.text())
                .bind("at", editedAt)
                .bind("id", id)
                .execute();
        linkUpdate(h, u.updateId(), id);
        return Optional.of(id);
    }

    private record StoredText(long id, String text) {}

    /**
     * Whether the sender is a Master: only a Master's media is downloaded, transcribed or
     * described; a stranger's stays in {@code raw_payload} and costs nothing.
     */
    private boolean fromMaster(Update u) {
        // Asked only when it matters (media), on its own connection before the transaction takes one.
        return u.message().filter(m -> !m.attachments().isEmpty() && m.authorUserId() != null)
                .map(m -> isMaster.test(m.authorUserId())).orElse(false);
    }

    private static Result storeNewMessage(Handle h, Update u, long threadId, Message m, Instant now, boolean withArtifacts) {
        // The update points at its message: in the same statement, no round trip more.
        Optional<Long> messageId = h.createQuery("""
                        with ins as (
                            insert into chat_messages (thread_id, platform_message_id, role, author_user_id, text,
                                                       created_at, raw_payload, update_id, kind, edited_at, stored_at)
                            values (:thread, :pmid, 'user', :author, :text, :created, cast(:raw as jsonb), :update, :kind, :edited, :now)
                            on conflict (thread_id, platform_message_id) where role = 'user' do nothing
                            returning id),
                        linked as (
                            update telegram_updates set message_id = ins.id from ins where update_id = :update)
                        select id from ins""")
                .bind("thread", threadId)
                .bind("pmid", m.platformMessageId())
                .bind("author", m.authorUserId())
                .bind("text", m.text())
                .bind("created", m.createdAt())
                .bind("raw", u.rawJson())
                .bind("update", u.updateId())
                .bind("kind", m.kind())
                .bind("edited", m.editedAt())
                .bind("now", now)
                .mapTo(Long.class)
                .findOne();
        if (messageId.isEmpty()) {
            // The same message under another update_id (should not happen): already stored and queued.
            return new Result(false, Optional.of(threadId), Optional.empty(), Optional.empty(), List.of(), false);
        }
        long id = messageId.get();
        List<Long> artifacts = new ArrayList<>();
        for (Attachment a : withArtifacts ? m.attachments() : List.<Attachment>of()) {
            artifacts.add(h.createQuery("""
                            insert into message_artifacts (message_id, kind, content_json, status, created_at, updated_at, run_after)
                            values (:msg, :kind, jsonb_build_object('source', cast(:source as jsonb)), 'pending', :now, :now, :now)
                            returning id""")
                    .bind("msg", id)
                    .bind("kind", a.artifactKind())
                    .bind("source", a.sourceJson())
                    .bind("now", now)
                    .mapTo(Long.class)
                    .one());
        }
        long jobId = InboxRepository.queueJob(h, threadId, id, u.updateId(), artifacts.size(), now);
        return new Result(false, Optional.of(threadId), Optional.of(id), Optional.of(jobId), List.copyOf(artifacts), false);
    }

    private static void linkUpdate(Handle h, long updateId, long messageId) {
        h.createUpdate("update telegram_updates set message_id = :msg where update_id = :id")
                .bind("msg", messageId)
                .bind("id", updateId)
                .execute();
    }
}
