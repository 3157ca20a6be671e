package dev.serveragent.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Stores one Telegram update in one transaction: {@code telegram_updates} (the exactly-once
 * record, keyed by {@code update_id}), the thread upsert, the user message, its artifact
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
        return h.createQuery("""
                        insert into chat_threads (platform, chat_id, chat_type, title, created_at, updated_at)
                        values ('telegram', :chat, :type, :title, :now, :now)
                        on conflict (platform, chat_id) do update
                           set chat_type = coalesce(excluded.chat_type, chat_threads.chat_type),
                               title = coalesce(excluded.title, chat_threads.title),
                               updated_at = greatest(chat_threads.updated_at, excluded.updated_at)
                        returning id""")
                .bind("chat", chat.chatId())
                .bind("type", chat.type())
                .bind("title", chat.title())
                .bind("now", now)
                .mapTo(Long.class)
                .one();
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
        Optional<Long> messageId = h.createQuery("""
                        insert into chat_messages (thread_id, platform_message_id, role, author_user_id, text,
                                                   created_at, raw_payload, update_id, kind, edited_at, stored_at)
                        values (:thread, :pmid, 'user', :author, :text, :created, cast(:raw as jsonb), :update, :kind, :edited, :now)
                        on conflict (thread_id, platform_message_id) where role = 'user' do nothing
                        returning id""")
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
        long jobId = queueJob(h, threadId, id, u.updateId(), artifacts.size(), now);
        return new Result(false, Optional.of(threadId), Optional.of(id), Optional.of(jobId), List.copyOf(artifacts), false);
    }

    /**
     * Queues the classify job of a new user message, in any channel. One statement, one round
     * trip: a new message overrides whatever its author's earlier messages of the thread were
     * waiting for (DESIGN.md §4), the job is queued, the Telegram update (if any) points at its
     * message, and workers are told, with NOTIFY delivered only when the transaction commits.
     *
     * <p>Only the author's own requests are superseded: in a group, another member's message (or a
     * second Master's) is stored and cancels nothing of the Master's. A message without a sender
     * (a channel posting as the group) supersedes nothing.
     */
    static long queueJob(Handle h, long threadId, long messageId, Long updateId, int artifacts, Instant now) {
        return h.createQuery("""
                        with author as (
                            -- the message was inserted earlier in this transaction
                            select author_user_id as id from chat_messages where id = :msg),
                        replaced as (
                            -- the author's own waiting requests; and a proposal of the proactive loop (no
                            -- trigger message) in a private chat or the console, where only the Master writes
                            select j.id from reactive_jobs j
                            left join chat_messages t on t.id = j.trigger_message_id
                            where j.thread_id = :thread
                              and (t.author_user_id = (select id from author)
                                   or (j.trigger_message_id is null
                                       and coalesce((select chat_type from chat_threads where id = :thread), 'private') = 'private'))),
                        superseded as (
                            update approvals a set status = 'superseded', resolved_at = :now
                            where a.thread_id = :thread and a.status = 'pending' and a.job_id in (select id from replaced)),
                        canceled as (
                            update reactive_jobs j set status = 'canceled', finished_at = :now
                            where j.thread_id = :thread and j.status = 'awaiting_approval' and j.id in (select id from replaced)),
                        linked as (
                            update telegram_updates set message_id = :msg where update_id = :update),
                        job as (
                            insert into reactive_jobs (thread_id, trigger_message_id, status, mode, payload_json, created_at, run_after)
                            values (:thread, :msg, 'queued', 'classify',
                                    jsonb_strip_nulls(jsonb_build_object('update_id', cast(:update as bigint), 'artifacts', :artifacts)),
                                    :now, :now)
                            returning id)
                        select id, pg_notify(:channel, cast(id as text)) from job""")
                .bind("thread", threadId)
                .bind("msg", messageId)
                .bind("update", updateId)
                .bind("artifacts", artifacts)
                .bind("channel", NotifyChannel.REACTIVE_JOBS.sqlName())
                .bind("now", now)
                .map((rs, ctx) -> rs.getLong("id"))
                .one();
    }

    private static void linkUpdate(Handle h, long updateId, long messageId) {
        h.createUpdate("update telegram_updates set message_id = :msg where update_id = :id")
                .bind("msg", messageId)
                .bind("id", updateId)
                .execute();
    }
}
