package dev.serveragent.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The outbox: bot messages are {@code chat_messages} rows (role {@code assistant}) with a send
 * state. They are stored before anything is sent; senders claim them with {@code FOR UPDATE SKIP
 * LOCKED} and a lease, so several replicas can send without sending a row twice. A sender that
 * dies mid-send leaves its claim to expire and {@code send_started_at} set: the next sender finds
 * it with {@link #beginSend} and ends the row {@code uncertain} instead of sending it again
 * (docs/TELEGRAM.md, "Delivery rules").
 * Per chat only the oldest unsent row can be claimed, so parts of a long answer keep their order.
 * A sender claims only its own platform's rows ({@code chat_threads.platform}), so each channel's
 * sender delivers its channel's replies and never another's. A chat's pace holds across replicas:
 * its next row is not claimed before its thread's {@code send_next_at}.
 */
public final class OutboxRepository {
    /**
     * A claimed row to send. {@code replyMarkupJson}, {@code entitiesJson} and {@code file} may be
     * null; a row with a {@code file} is a file the agent sends ({@code send_file}), its
     * {@code text} the caption (may be null).
     */
    public record Outgoing(long id, long threadId, long chatId, String text, String replyMarkupJson, int attempts, Instant lease,
                           String entitiesJson, OutgoingFile file) {
        public Outgoing(long id, long threadId, long chatId, String text, String replyMarkupJson, int attempts, Instant lease,
                        String entitiesJson) {
            this(id, threadId, chatId, text, replyMarkupJson, attempts, lease, entitiesJson, null);
        }
    }

    /**
     * A file of an outgoing row: its kind as the message's ({@code photo} or {@code document}), the
     * name and type it is sent with, its size, and where its bytes are kept (the blob store's URI).
     */
    public record OutgoingFile(String kind, String name, String mimeType, long size, String uri) {}

    /**
     * A file to store as an agent's message: {@code kind} {@code photo} or {@code document}, the
     * blob's {@code uri} (already kept), the {@code caption} (may be null), and the {@code path} it
     * was sent from (relative to the run's working directory), kept with its artifact.
     */
    public record FileMessage(String kind, String name, String mimeType, long size, String uri, String caption, String path) {}

    /** {@code chat_messages.kind} values of a file the agent sends. */
    public static final java.util.Set<String> FILE_KINDS = java.util.Set.of("photo", "document");

    /** How a thread's channel delivers the rows stored for it. */
    public enum Delivery {
        /** A sender of the channel claims them ({@link #claim}): stored {@code pending}. */
        SENDER("pending"),
        /** Delivered by being stored (the channel reads them from here): stored {@code sent}. */
        STORED("sent"),
        /** The channel is off: stored only, never sent (no send state). */
        NOT_SENT(null);

        private final String sendStatus;

        Delivery(String sendStatus) {
            this.sendStatus = sendStatus;
        }
    }

    /** One message to store: its text and, for a rich text, its Bot API entities as a JSON array (else null). */
    public record Part(String text, String entitiesJson) {}

    private final Jdbi jdbi;

    public OutboxRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Stores the parts in order as assistant messages, {@code replyMarkupJson} on the last one.
     * Their send state follows {@code delivery}, how the thread's channel delivers.
     */
    public List<Long> enqueue(long threadId, List<String> parts, Optional<String> replyMarkupJson, Delivery delivery, Instant now) {
        return enqueue(threadId, parts.stream().map(t -> new Part(t, null)).toList(), replyMarkupJson, platform -> delivery, now,
                () -> {}, id -> {});
    }

    /**
     * As {@link #enqueue(long, List, Optional, Delivery, Instant)}, the delivery being {@code
     * deliveryOf} the thread's platform, then, once the rows are committed
     * (at the end of the surrounding transaction when there is one: a sender woken earlier would not
     * see them), {@code afterCommit} and {@code delivered} with each row delivered by being stored
     * (a console thread's).
     */
    public List<Long> enqueue(long threadId, List<Part> parts, Optional<String> replyMarkupJson,
            java.util.function.Function<String, Delivery> deliveryOf, Instant now, Runnable afterCommit,
            java.util.function.LongConsumer delivered) {
        return jdbi.inTransaction(h -> {
            String platform = h.createQuery("select platform from chat_threads where id = :id")
                    .bind("id", threadId).mapTo(String.class).one();
            String status = deliveryOf.apply(platform).sendStatus;
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                boolean last = i == parts.size() - 1;
                ids.add(h.createQuery("""
                                insert into chat_messages (thread_id, role, text, entities, created_at, stored_at, kind,
                                                           send_status, next_attempt_at, reply_markup, sent_at)
                                values (:thread, 'assistant', :text, cast(:entities as jsonb), :now, :now, 'text',
                                        :status, :now, cast(:markup as jsonb), cast(:sentAt as timestamptz))
                                returning id""")
                        .bind("thread", threadId)
                        .bind("text", parts.get(i).text())
                        .bind("entities", parts.get(i).entitiesJson())
                        .bind("now", now.plusNanos(i * 1000L)) // keeps the parts ordered by created_at too
                        .bind("status", status)
                        .bind("sentAt", "sent".equals(status) ? now.plusNanos(i * 1000L).toString() : null)
                        .bind("markup", last ? replyMarkupJson.orElse(null) : null)
                        .mapTo(Long.class)
                        .one());
            }
            h.afterCommit(() -> {
                afterCommit.run();
                if ("sent".equals(status)) {
                    ids.forEach(delivered::accept);
                }
            });
            return ids;
        });
    }

    /**
     * Stores a file the agent sends as one assistant message of kind {@code file.kind()} (its text
     * the caption) with its {@code file_meta} artifact ({@code done}, {@code uri} the blob) in one
     * transaction; the send state follows {@code deliveryOf} the thread's platform, as for text.
     * What the console shows of it is kept in {@code raw_payload.agent_file} (name, type, size, media).
     */
    public long enqueueFile(long threadId, FileMessage file, java.util.function.Function<String, Delivery> deliveryOf, Instant now,
            Runnable afterCommit, java.util.function.LongConsumer delivered) {
        if (!FILE_KINDS.contains(file.kind())) {
            throw new IllegalArgumentException("a sent file is a photo or a document, not " + file.kind());
        }
        return jdbi.inTransaction(h -> {
            String platform = h.createQuery("select platform from chat_threads where id = :id")
                    .bind("id", threadId).mapTo(String.class).one();
            String status = deliveryOf.apply(platform).sendStatus;
            long id = h.createQuery("""
                            insert into chat_messages (thread_id, role, text, created_at, stored_at, kind, send_status, next_attempt_at,
                                                       sent_at, raw_payload)
                            values (:thread, 'assistant', :text, :now, :now, :kind, :status, :now, cast(:sentAt as timestamptz),
                                    jsonb_build_object('agent_file', jsonb_build_object('name', cast(:name as text),
                                        'type', cast(:mime as text), 'size', :size, 'media', cast(:kind as text))))
                            returning id""")
                    .bind("thread", threadId).bind("text", file.caption()).bind("now", now).bind("kind", file.kind())
                    .bind("status", status).bind("sentAt", "sent".equals(status) ? now.toString() : null)
                    .bind("name", file.name()).bind("mime", file.mimeType()).bind("size", file.size())
                    .mapTo(Long.class).one();
            h.createUpdate("""
                            insert into message_artifacts (message_id, kind, content_json, uri, status, created_at, updated_at, run_after)
                            values (:msg, 'file_meta', jsonb_build_object('file_name', cast(:name as text), 'mime_type', cast(:mime as text),
                                        'file_size', :size, 'media', cast(:kind as text), 'sent_by', 'agent', 'path', cast(:path as text)),
                                    :uri, 'done', :now, :now, :now)""")
                    .bind("msg", id).bind("name", file.name()).bind("mime", file.mimeType()).bind("size", file.size())
                    .bind("kind", file.kind()).bind("path", file.path()).bind("uri", file.uri()).bind("now", now).execute();
            h.afterCommit(() -> {
                afterCommit.run();
                if ("sent".equals(status)) {
                    delivered.accept(id);
                }
            });
            return id;
        });
    }

    /**
     * Claims up to {@code limit} due rows of {@code platform}'s threads, each the oldest unsent one
     * of its chat, until {@code leaseUntil}.
     */
    public List<Outgoing> claim(String platform, int limit, Instant now, Instant leaseUntil) {
        return jdbi.inTransaction(h -> h.createQuery("""
                        update chat_messages m
                           set locked_until = :lease,            -- our claim; expires if this sender dies
                               send_attempts = send_attempts + 1
                          from chat_threads t
                         where t.id = m.thread_id
                           and m.id in (
                               select c.id from chat_messages c
                                join chat_threads ct on ct.id = c.thread_id and ct.platform = :platform  -- only this sender's channel
                                where c.send_status = 'pending'
                                  and c.next_attempt_at <= :now  -- backoff / retry_after
                                  and (c.locked_until is null or c.locked_until < :now)
                                  -- the chat's own pace, shared by all replicas
                                  and not exists (select 1 from chat_threads p
                                                   where p.id = c.thread_id and p.send_next_at > :now)
                                  -- only the head of each chat's queue: parts stay in order
                                  and not exists (select 1 from chat_messages o
                                                   where o.thread_id = c.thread_id and o.send_status = 'pending' and o.id < c.id)
                                order by c.id
                                limit :limit
                                -- another replica holds it: leave it. "No key update" (what the update
                                -- below takes anyway), not "update": a row another transaction holds FOR KEY
                                -- SHARE (the FK check of approvals.ack_message_id right after enqueue) must
                                -- not be skipped, or it waits for the next wake-up or poll (up to 1 s).
                                for no key update of c skip locked)
                        returning m.id, m.thread_id, t.chat_id, m.text, cast(m.reply_markup as text) as markup, m.send_attempts,
                                  m.locked_until, cast(m.entities as text) as entities, m.kind,
                                  m.raw_payload -> 'agent_file' ->> 'name' as file_name,
                                  m.raw_payload -> 'agent_file' ->> 'type' as file_type,
                                  (m.raw_payload -> 'agent_file' ->> 'size')::bigint as file_size,
                                  (select a.uri from message_artifacts a  -- message_artifacts_message_idx
                                    where a.message_id = m.id and a.kind = 'file_meta' and a.uri is not null
                                    order by a.id limit 1) as file_uri""")
                .bind("platform", platform)
                .bind("lease", leaseUntil)
                .bind("now", now)
                .bind("limit", limit)
                .map((rs, ctx) -> new Outgoing(rs.getLong("id"), rs.getLong("thread_id"), rs.getLong("chat_id"),
                        rs.getString("text"), rs.getString("markup"), rs.getInt("send_attempts"),
                        rs.getObject("locked_until", OffsetDateTime.class).toInstant(), rs.getString("entities"), file(rs)))
                .list());
    }

    /** The file of a claimed row, when it is one the agent sends (a file kind with its name in {@code raw_payload.agent_file}). */
    private static OutgoingFile file(java.sql.ResultSet rs) throws java.sql.SQLException {
        String name = rs.getString("file_name");
        if (name == null || !FILE_KINDS.contains(rs.getString("kind"))) {
            return null;
        }
        return new OutgoingFile(rs.getString("kind"), name, rs.getString("file_type"), rs.getLong("file_size"), rs.getString("file_uri"));
    }

    /**
     * Extends a claim just before its row is sent, if it is still this sender's; empty when the
     * lease ran out and another sender claimed the row (that one sends it; this one must not).
     */
    public Optional<Outgoing> renewClaim(Outgoing o, Instant leaseUntil) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update chat_messages set locked_until = :lease
                        where id = :id and send_status = 'pending' and locked_until = :held
                        returning locked_until""")
                .bind("lease", leaseUntil).bind("id", o.id()).bind("held", o.lease())
                .map((rs, ctx) -> rs.getObject("locked_until", OffsetDateTime.class).toInstant())
                .findOne()
                .map(lease -> new Outgoing(o.id(), o.threadId(), o.chatId(), o.text(), o.replyMarkupJson(), o.attempts(), lease,
                        o.entitiesJson(), o.file())));
    }

    /**
     * Records that the row goes on the wire now, just after {@link #renewClaim}; false when an
     * earlier sender had already begun sending it and stopped before recording how it ended
     * (the channel may have it: the caller must not send it again).
     */
    public boolean beginSend(long id, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "update chat_messages set send_started_at = :now where id = :id and send_started_at is null")
                .bind("now", now).bind("id", id).execute()) == 1;
    }

    /**
     * Records the send; no message goes to the same chat before {@code chatNextAt}, from any
     * replica.
     */
    public void markSent(Outgoing o, long platformMessageId, Instant now, Instant chatNextAt) {
        markSent(o, Optional.of(platformMessageId), null, now, chatNextAt);
    }

    /**
     * Records a send the channel accepted (Telegram: a 2xx) without an answer that says which message it made:
     * sent, with no {@code platform_message_id}, and {@code note} in {@code send_error}.
     */
    public void markSentUnidentified(Outgoing o, String note, Instant now, Instant chatNextAt) {
        markSent(o, Optional.empty(), note, now, chatNextAt);
    }

    private void markSent(Outgoing o, Optional<Long> platformMessageId, String note, Instant now, Instant chatNextAt) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            update chat_messages set send_status = 'sent', platform_message_id = :tg, sent_at = :now,
                                   locked_until = null, send_error = :note
                            where id = :id""")
                    .bind("tg", platformMessageId.orElse(null)).bind("note", note).bind("now", now).bind("id", o.id()).execute();
            h.createUpdate("update chat_threads set send_next_at = greatest(send_next_at, :next) where id = :thread")
                    .bind("next", chatNextAt).bind("thread", o.threadId()).execute();
        });
    }

    /**
     * Puts the row back to be tried at {@code at}, for a send known not to have reached the channel or
     * refused by it; {@code countAttempt} false undoes the claim's count (pacing, 429).
     */
    public void retryAt(long id, Instant at, String error, boolean countAttempt) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update chat_messages set next_attempt_at = :at, locked_until = null, send_error = :error,
                               send_attempts = send_attempts - :undo, send_started_at = null
                        where id = :id""")
                .bind("at", at).bind("error", error).bind("undo", countAttempt ? 0 : 1).bind("id", id).execute());
    }

    /**
     * Puts a row the channel refused for its entities back as plain text, due at {@code at}: its
     * {@code entities} are dropped, so that what is stored is still what is sent.
     */
    public void retryPlain(long id, Instant at, String error) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update chat_messages set entities = null, next_attempt_at = :at, locked_until = null, send_error = :error,
                               send_started_at = null
                        where id = :id""")
                .bind("at", at).bind("error", error).bind("id", id).execute());
    }

    /**
     * Puts a photo the channel refused as a photo (its dimensions, its format) back as a document,
     * due at {@code at}: the same bytes, which a document always takes.
     */
    public void retryAsDocument(long id, Instant at, String error) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update chat_messages set kind = 'document',
                               raw_payload = jsonb_set(raw_payload, '{agent_file,media}', '"document"'),
                               next_attempt_at = :at, locked_until = null, send_error = :error, send_started_at = null
                        where id = :id and kind = 'photo'""")
                .bind("at", at).bind("error", error).bind("id", id).execute());
    }

    public void markFailed(long id, String error) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update chat_messages set send_status = 'failed', locked_until = null, send_error = :error
                        where id = :id""")
                .bind("error", error).bind("id", id).execute());
    }

    /** Ends a row the channel may or may not have: never sent again; {@code reason} says why. */
    public void markUncertain(long id, String reason) {
        markUncertain(id, reason, text -> null, Instant.EPOCH);
    }

    /**
     * As {@link #markUncertain(long, String)}, and in the same transaction queues, in the row's
     * thread, the notice {@code notice} makes of the row's text, so that an uncertain send is never
     * silent. A notice that itself ends uncertain gets none (no loop); a null notice means none.
     */
    public void markUncertain(long id, String reason, java.util.function.UnaryOperator<String> notice, Instant now) {
        jdbi.useTransaction(h -> {
            var row = h.createQuery("""
                            update chat_messages set send_status = 'uncertain', locked_until = null, send_error = :reason
                            where id = :id
                            returning thread_id, text, kind""")
                    .bind("reason", reason).bind("id", id)
                    .map((rs, ctx) -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)}).findOne();
            if (row.isEmpty() || NOTICE_KIND.equals(row.get()[2])) {
                return;
            }
            String text = notice.apply((String) row.get()[1]);
            if (text != null) {
                h.createUpdate("""
                                insert into chat_messages (thread_id, role, text, created_at, stored_at, kind, send_status, next_attempt_at)
                                values (:thread, 'assistant', :text, :now, :now, :kind, 'pending', :now)""")
                        .bind("thread", (long) row.get()[0]).bind("text", text).bind("now", now).bind("kind", NOTICE_KIND).execute();
            }
        });
    }

    /** {@code chat_messages.kind} of the notice that a reply may be missing. */
    public static final String NOTICE_KIND = "delivery_notice";

    /** A reply that may not have reached its chat and was not sent again yet. */
    public record Undelivered(long id, long threadId, String text, Instant createdAt, String reason) {}

    /** The newest {@code limit} uncertain replies not sent again (notices left out), newest first. */
    public List<Undelivered> undelivered(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, thread_id, text, created_at, send_error from chat_messages  -- chat_messages_uncertain_idx
                        where send_status = 'uncertain' and resent_as is null and kind <> :kind
                        order by id desc limit :limit""")
                .bind("kind", NOTICE_KIND).bind("limit", limit)
                .map((rs, ctx) -> new Undelivered(rs.getLong(1), rs.getLong(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(), rs.getString(5)))
                .list());
    }

    /**
     * Queues an uncertain reply again as a new row of its thread (its text and button), once: the
     * new row's id, or empty when {@code id} is not an uncertain reply or was already sent again.
     */
    public Optional<Long> sendAgain(long id, Instant now) {
        return jdbi.inTransaction(h -> {
            Optional<Long> copy = h.createQuery("""
                            insert into chat_messages (thread_id, role, text, entities, created_at, stored_at, kind, send_status, next_attempt_at,
                                                       reply_markup, raw_payload)
                            select thread_id, 'assistant', text, entities, :now, :now,
                                   case when raw_payload -> 'agent_file' is not null then kind else 'text' end, 'pending', :now, reply_markup,
                                   case when raw_payload -> 'agent_file' is not null then jsonb_build_object('agent_file', raw_payload -> 'agent_file') end
                              from chat_messages
                             where id = :id and send_status = 'uncertain' and resent_as is null and kind <> :kind
                               for update  -- a second press waits here, then finds resent_as set
                            returning id""")
                    .bind("id", id).bind("now", now).bind("kind", NOTICE_KIND).mapTo(Long.class).findOne();
            copy.ifPresent(c -> {
                h.createUpdate("update chat_messages set resent_as = :copy where id = :id").bind("copy", c).bind("id", id).execute();
                // A file goes again with its own artifact: the same blob, so the copy is sent and shown as the original was.
                h.createUpdate("""
                                insert into message_artifacts (message_id, kind, content_json, uri, status, created_at, updated_at, run_after)
                                select :copy, kind, content_json, uri, status, :now, :now, :now from message_artifacts
                                 where message_id = :id and kind = 'file_meta' and content_json ->> 'sent_by' = 'agent'""")
                        .bind("copy", c).bind("id", id).bind("now", now).execute();
            });
            return copy;
        });
    }
}
