package dev.serveragent.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The dashboard's read queries over conversations. Every query is bounded ({@code limit}) and
 * keyset-paginated ({@code before} an id), walking an index from its newest end, so a page costs
 * the same with a thousand messages or a million; nothing here counts a whole table.
 */
public final class DashboardRepository {
    public record Thread(long id, String platform, long chatId, String title, Instant updatedAt, String lastText) {}

    public record Message(long id, long threadId, String role, String kind, String text, Instant createdAt,
            Instant storedAt, String sendStatus, Instant sentAt) {}

    public record Artifact(long id, long messageId, String kind, String status, String contentJson, String uri, String error) {}

    private final Jdbi jdbi;

    public DashboardRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Threads by last activity, newest first, with their latest message's text. */
    public List<Thread> threads(Optional<Instant> before, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select t.id, t.platform, t.chat_id, t.title, t.updated_at, last.text as last_text
                        from chat_threads t
                        left join lateral (
                            select m.text from chat_messages m where m.thread_id = t.id  -- chat_messages_thread_created_idx
                            order by m.created_at desc, m.id desc limit 1) last on true
                        where t.updated_at < coalesce(cast(:before as timestamptz), 'infinity')
                        order by t.updated_at desc, t.id desc limit :limit""")
                .bind("before", before.orElse(null)).bind("limit", limit)
                .map((rs, ctx) -> new Thread(rs.getLong("id"), rs.getString("platform"), rs.getLong("chat_id"),
                        rs.getString("title"), ts(rs, "updated_at"), rs.getString("last_text")))
                .list());
    }

    public Optional<Thread> thread(long id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, platform, chat_id, title, updated_at, null as last_text from chat_threads where id = :id""")
                .bind("id", id)
                .map((rs, ctx) -> new Thread(rs.getLong("id"), rs.getString("platform"), rs.getLong("chat_id"),
                        rs.getString("title"), ts(rs, "updated_at"), null))
                .findOne());
    }

    /** A thread's messages, newest first, older than message {@code before} when given. */
    public List<Message> messages(long threadId, Optional<Long> before, int limit) {
        String page = before.isPresent()
                ? "and (m.created_at, m.id) < (select created_at, id from chat_messages where id = :before)"
                : "";
        return jdbi.withHandle(h -> h.createQuery("""
                        select m.id, m.thread_id, m.role, m.kind, m.text, m.created_at, m.stored_at, m.send_status, m.sent_at
                        from chat_messages m where m.thread_id = :thread %s
                        order by m.created_at desc, m.id desc limit :limit""".formatted(page))
                .bind("thread", threadId).bind("before", before.orElse(null)).bind("limit", limit)
                .map(DashboardRepository::message)
                .list());
    }

    /**
     * The messages with these ids, in the order given (ids without a message are left out): the
     * rows behind a page of the search ({@code SearchRepository.newest}, the same search as the
     * agent's {@code search_memory}).
     */
    public List<Message> messagesByIds(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<Long, Message> byId = jdbi.withHandle(h -> h.createQuery("""
                        select m.id, m.thread_id, m.role, m.kind, m.text, m.created_at, m.stored_at, m.send_status, m.sent_at
                        from chat_messages m where m.id = any(:ids)""")
                .bind("ids", ids.toArray(Long[]::new))
                .map(DashboardRepository::message)
                .list())
                .stream().collect(java.util.stream.Collectors.toMap(Message::id, m -> m));
        return ids.stream().map(byId::get).filter(java.util.Objects::nonNull).toList();
    }

    /** The artifacts of the given messages, by message id. */
    public Map<Long, List<Artifact>> artifacts(List<Long> messageIds) {
        if (messageIds.isEmpty()) {
            return Map.of();
        }
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, message_id, kind, status, content_json::text as content, uri, error
                        from message_artifacts where message_id = any(:ids) order by id""")
                .bind("ids", messageIds.toArray(Long[]::new))
                .map((rs, ctx) -> new Artifact(rs.getLong("id"), rs.getLong("message_id"), rs.getString("kind"),
                        rs.getString("status"), rs.getString("content"), rs.getString("uri"), rs.getString("error")))
                .list())
                .stream().collect(java.util.stream.Collectors.groupingBy(Artifact::messageId));
    }

    private static Message message(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        return new Message(rs.getLong("id"), rs.getLong("thread_id"), rs.getString("role"), rs.getString("kind"),
                rs.getString("text"), ts(rs, "created_at"), ts(rs, "stored_at"), rs.getString("send_status"), ts(rs, "sent_at"));
    }

    static Instant ts(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
