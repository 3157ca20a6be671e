package dev.serveragent.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * What every channel's ingestion shares, whatever the platform: the thread upsert and the queueing
 * of a new user message's classify job (DESIGN.md §4), each in the caller's transaction; and, for
 * a channel with no ingestion tables of its own, {@link #receive} storing a text message and its
 * job in one transaction, exactly once per {@code (thread, platform_message_id)}. A channel's own
 * records (Telegram's {@code telegram_updates}, the console's nonces) are kept by its own
 * repository, which calls the static parts here in its transaction. Thread-safe.
 */
public final class InboxRepository {
    /**
     * A user's text message in a chat of {@code platform}. {@code chatType} ({@code private},
     * {@code group}, ...) and {@code authorUserId} may be null.
     */
    public record Incoming(String platform, long chatId, String chatType, long platformMessageId, Long authorUserId, String text,
                           Instant createdAt) {}

    /** What receiving did; {@code duplicate}: the message was stored before and nothing changed. */
    public record Received(long threadId, Optional<Long> messageId, Optional<Long> jobId, boolean duplicate) {}

    private final Jdbi jdbi;

    public InboxRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Stores the message and queues its job in one transaction; the same message again stores
     * nothing.
     *
     * @throws DatabaseUnavailableException when the database did not take it (nothing stored)
     */
    public Received receive(Incoming m, Instant now) {
        try {
            return jdbi.inTransaction(h -> {
                long thread = upsertThread(h, m.platform(), m.chatId(), m.chatType(), null, now);
                Optional<Long> id = h.createQuery("""
                                insert into chat_messages (thread_id, platform_message_id, role, author_user_id, text,
                                                           created_at, kind, stored_at)
                                values (:thread, :pmid, 'user', :author, :text, :created, 'text', :now)
                                on conflict (thread_id, platform_message_id) where role = 'user' do nothing
                                returning id""")
                        .bind("thread", thread).bind("pmid", m.platformMessageId()).bind("author", m.authorUserId())
                        .bind("text", m.text()).bind("created", m.createdAt()).bind("now", now)
                        .mapTo(Long.class).findOne();
                if (id.isEmpty()) {
                    return new Received(thread, Optional.empty(), Optional.empty(), true);
                }
                return new Received(thread, id, Optional.of(queueJob(h, thread, id.get(), null, 0, now)), false);
            });
        } catch (JdbiException e) {
            throw new DatabaseUnavailableException(m.platform() + " message not stored: " + Database.rootMessage(e), e);
        }
    }

    /** The thread of a chat of {@code platform}, created or updated ({@code type} and {@code title} may be null). */
    public static long upsertThread(Handle h, String platform, long chatId, String type, String title, Instant now) {
        return h.createQuery("""
                        insert into chat_threads (platform, chat_id, chat_type, title, created_at, updated_at)
                        values (:platform, :chat, :type, :title, :now, :now)
                        on conflict (platform, chat_id) do update
                           set chat_type = coalesce(excluded.chat_type, chat_threads.chat_type),
                               title = coalesce(excluded.title, chat_threads.title),
                               updated_at = greatest(chat_threads.updated_at, excluded.updated_at)
                        returning id""")
                .bind("platform", platform)
                .bind("chat", chatId)
                .bind("type", type)
                .bind("title", title)
                .bind("now", now)
                .mapTo(Long.class)
                .one();
    }

    /**
     * Queues the classify job of a new user message, in any channel. One statement, one round
     * trip: a new message overrides whatever its author's earlier messages of the thread were
     * waiting for (DESIGN.md §4), the job is queued, and workers are told, with NOTIFY delivered
     * only when the transaction commits. {@code updateId}, the channel's id of the delivery that
     * carried the message (may be null), is kept in the job's payload.
     *
     * <p>Only the author's own requests are superseded: in a group, another member's message (or a
     * second Master's) is stored and cancels nothing of the Master's. A message without a sender
     * (a channel posting as the group) supersedes nothing.
     */
    public static long queueJob(Handle h, long threadId, long messageId, Long updateId, int artifacts, Instant now) {
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
}
