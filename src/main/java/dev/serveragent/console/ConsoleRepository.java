package dev.serveragent.console;

import dev.serveragent.channel.Channel;
import dev.serveragent.store.Database;
import dev.serveragent.store.DatabaseUnavailableException;
import dev.serveragent.store.InboxRepository;
import dev.serveragent.store.ThreadRepository;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The browser console's conversation: one {@code chat_threads} row ({@code platform='console'}),
 * its user messages stored with their job in one transaction like every channel's ({@link
 * InboxRepository#queueJob}), and what changed since a revision for the live feed. The console's
 * own repository (its message ids, nonces and uploads), so it lives with the channel. Thread-safe.
 */
public final class ConsoleRepository {
    /**
     * A message as the console shows it; {@code replyMarkupJson}, {@code entitiesJson} and
     * {@code fileJson} (an upload's name, type, size) may be null.
     */
    public record Shown(long id, long rev, boolean settled, String role, String text, Instant createdAt,
                        String replyMarkupJson, boolean edited, String entitiesJson, String fileJson) {}

    /**
     * A file the Master uploaded, already kept in the blob store: {@code kind} is the message's
     * ({@code photo}, {@code voice}, {@code document}), {@code fileJson} what the page shows of it,
     * {@code artifactKind} and {@code sourceJson} the placeholder the media worker derives from.
     */
    public record Upload(String kind, String fileJson, String artifactKind, String sourceJson) {}

    /** What storing a console message did; {@code duplicate}: the nonce was seen before. */
    public record Stored(long messageId, Optional<Long> jobId, boolean duplicate) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A revision younger than this may still have an uncommitted neighbour below it. */
    static final String SETTLE = "2 seconds";

    private final Jdbi jdbi;
    private final ThreadRepository threads;
    private final long chatId;
    private volatile long threadId = -1; // never changes once found

    public ConsoleRepository(Jdbi jdbi, ThreadRepository threads, long chatId) {
        this.jdbi = jdbi;
        this.threads = threads;
        this.chatId = chatId;
    }

    /** The console's thread, created on first use and remembered (one query, not one per request). */
    public long threadId() {
        long id = threadId;
        if (id < 0) {
            id = threads.findOrCreate(Channel.CONSOLE, chatId);
            threadId = id;
        }
        return id;
    }

    /**
     * Stores the Master's message and queues its job in one transaction (superseding what the
     * thread waited for). A retry with the same {@code nonce} stores nothing and returns the first.
     *
     * @throws DatabaseUnavailableException when the database did not take it (nothing stored)
     */
    public Stored storeUserMessage(long threadId, long authorUserId, String text, Optional<String> nonce, Instant now) {
        return store(threadId, authorUserId, text, Optional.empty(), nonce, now);
    }

    /**
     * Stores the Master's upload (its caption may be null) with its artifact placeholder and its
     * job in one transaction, as Telegram's ingestion does: the classification waits for the
     * artifact. The same {@code nonce} again stores nothing and returns the first.
     *
     * @throws DatabaseUnavailableException when the database did not take it (nothing stored)
     */
    public Stored storeUserUpload(long threadId, long authorUserId, String caption, Upload upload, Optional<String> nonce, Instant now) {
        return store(threadId, authorUserId, caption, Optional.of(upload), nonce, now);
    }

    private Stored store(long threadId, long authorUserId, String text, Optional<Upload> upload, Optional<String> nonce, Instant now) {
        ObjectNode raw = JSON.createObjectNode().put("console", true).put("text", text);
        nonce.ifPresent(n -> raw.put("console_nonce", n));
        upload.ifPresent(u -> raw.putRawValue("console_file", new com.fasterxml.jackson.databind.util.RawValue(u.fileJson())));
        try {
            return jdbi.inTransaction(h -> {
                Optional<Long> id = h.createQuery("""
                                insert into chat_messages (thread_id, platform_message_id, role, author_user_id, text,
                                                           created_at, raw_payload, kind, stored_at)
                                values (:thread, nextval('console_message_ids'), 'user', :author, :text, :now, cast(:raw as jsonb), :kind, :now)
                                on conflict (thread_id, (raw_payload ->> 'console_nonce')) where (raw_payload ->> 'console_nonce') is not null do nothing
                                returning id""")
                        .bind("thread", threadId).bind("author", authorUserId).bind("text", text)
                        .bind("now", now).bind("raw", raw.toString()).bind("kind", upload.map(Upload::kind).orElse("text"))
                        .mapTo(Long.class).findOne();
                if (id.isEmpty()) {
                    long first = h.createQuery("""
                                    select id from chat_messages where thread_id = :thread and raw_payload ->> 'console_nonce' = :nonce""")
                            .bind("thread", threadId).bind("nonce", nonce.orElseThrow()).mapTo(Long.class).one();
                    return new Stored(first, Optional.empty(), true);
                }
                if (upload.isPresent()) {
                    h.createUpdate("""
                                    insert into message_artifacts (message_id, kind, content_json, status, created_at, updated_at, run_after)
                                    values (:msg, :kind, jsonb_build_object('source', cast(:source as jsonb)), 'pending', :now, :now, :now)""")
                            .bind("msg", id.get()).bind("kind", upload.get().artifactKind()).bind("source", upload.get().sourceJson())
                            .bind("now", now).execute();
                }
                long job = InboxRepository.queueJob(h, threadId, id.get(), null, upload.isPresent() ? 1 : 0, now);
                return new Stored(id.get(), Optional.of(job), false);
            });
        } catch (JdbiException e) {
            throw new DatabaseUnavailableException("console message not stored: " + Database.rootMessage(e), e);
        }
    }

    /** A message's file, to download: the name and type it was stored with, and where its bytes are kept. */
    public record Download(String name, String mimeType, String uri) {}

    /**
     * The file of message {@code messageId} of the thread, if it has one kept in the blob store: a
     * file the agent sent ({@code send_file}) or one the Master uploaded.
     */
    public Optional<Download> download(long threadId, long messageId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select coalesce(m.raw_payload -> 'agent_file' ->> 'name', m.raw_payload -> 'console_file' ->> 'name') as name,
                               coalesce(m.raw_payload -> 'agent_file' ->> 'type', m.raw_payload -> 'console_file' ->> 'type') as type,
                               (select coalesce(a.uri, a.content_json -> 'source' ->> 'uri') from message_artifacts a
                                 where a.message_id = m.id and coalesce(a.uri, a.content_json -> 'source' ->> 'uri') is not null
                                 order by a.id limit 1) as uri
                        from chat_messages m
                        where m.id = :id and m.thread_id = :thread
                          and (m.raw_payload -> 'agent_file' is not null or m.raw_payload -> 'console_file' is not null)""")
                .bind("id", messageId).bind("thread", threadId)
                .map((rs, ctx) -> new Download(rs.getString("name"), rs.getString("type"), rs.getString("uri")))
                .findOne().filter(d -> d.uri() != null));
    }

    /** The last {@code limit} messages, oldest first. */
    public List<Shown> history(long threadId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select * from (
                            select id, rev, rev_at < clock_timestamp() - interval '%s' as settled, role, text, created_at,
                                   cast(reply_markup as text) as markup, edited_at is not null as edited,
                                   cast(entities as text) as entities,
                                   cast(coalesce(raw_payload -> 'console_file', raw_payload -> 'agent_file') as text) as file
                            from chat_messages where thread_id = :thread
                            order by created_at desc, id desc limit :limit) m
                        order by created_at, id""".formatted(SETTLE))
                .bind("thread", threadId).bind("limit", limit)
                .map((rs, ctx) -> shown(rs))
                .list());
    }

    /**
     * Messages inserted or changed after revision {@code after}, in revision order. A row is
     * {@code settled} once its revision is old enough that no lower one can still commit; the
     * feed moves its cursor only past settled rows, so nothing committed late is skipped (and a
     * young row may be shown twice: clients keep the highest revision per message).
     */
    public List<Shown> changedSince(long threadId, long after, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, rev, rev_at < clock_timestamp() - interval '%s' as settled, role, text, created_at,
                               cast(reply_markup as text) as markup, edited_at is not null as edited,
                               cast(entities as text) as entities,
                               cast(coalesce(raw_payload -> 'console_file', raw_payload -> 'agent_file') as text) as file
                        from chat_messages where thread_id = :thread and rev > :after
                        order by rev limit :limit""".formatted(SETTLE))
                .bind("thread", threadId).bind("after", after).bind("limit", limit)
                .map((rs, ctx) -> shown(rs))
                .list());
    }

    /**
     * Where the conversation stands, from the thread's newest job: {@code working} (queued or
     * running), {@code waiting} (for the Master's OK), {@code answered}, {@code failed}, or
     * {@code idle} (no job yet, or the newest was canceled).
     */
    public String conversationState(long threadId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select case status when 'queued' then 'working' when 'running' then 'working'
                                           when 'awaiting_approval' then 'waiting' when 'done' then 'answered'
                                           when 'failed' then 'failed' else 'idle' end
                        from reactive_jobs where thread_id = :thread order by id desc limit 1""")
                .bind("thread", threadId).mapTo(String.class).findOne().orElse("idle"));
    }

    /** The newest revision of the thread that is settled: where a feed starting now begins. */
    public long settledRev(long threadId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select coalesce(max(rev), 0) from chat_messages
                        where thread_id = :thread and rev_at < clock_timestamp() - interval '%s'""".formatted(SETTLE))
                .bind("thread", threadId).mapTo(Long.class).one());
    }

    private static Shown shown(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Shown(rs.getLong("id"), rs.getLong("rev"), rs.getBoolean("settled"), rs.getString("role"), rs.getString("text"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getString("markup"), rs.getBoolean("edited"),
                rs.getString("entities"), rs.getString("file"));
    }
}
