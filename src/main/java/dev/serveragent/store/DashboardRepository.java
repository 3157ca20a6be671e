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
     * One page of search results, newest first; {@code olderBefore} continues the search below it
     * (empty: nothing older matches). A page can hold fewer than the limit and still go on: the
     * search of a very common word stops at a bounded share of the history (see {@link #search}).
     */
    public record Found(List<Message> messages, Optional<Long> olderBefore) {}

    /**
     * A query the planner expects to match at most this many messages, or at most one in
     * {@code WALK_SPAN / limit} (the density at which a walk of the span fills a page), is answered
     * from the full-text index.
     */
    static final long INDEX_SEARCH_MAX_HITS = 5_000;
    /** How many of the newest messages below {@code before} one page of a common query reads at most. */
    static final int WALK_SPAN = 5_000;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final String MATCH = "to_tsvector('simple', coalesce(m.text, '')) @@ websearch_to_tsquery('simple', :q)";

    /**
     * Messages whose text matches {@code query} (Postgres full-text search, {@code simple}
     * configuration, web-search syntax), newest first, below message {@code before}. Two plans,
     * chosen by the planner's estimate of the matches (from the index's statistics, no rows read):
     * <ul>
     * <li>a rare query ({@link #INDEX_SEARCH_MAX_HITS}, a word the statistics do not know among them)
     *     reads its matches from the GIN index
     *     {@code chat_messages_text_search_idx}, which cannot order them: the cost is that of all
     *     its matches, small by definition;</li>
     * <li>a common one walks the primary key down from {@code before}, testing each message, and
     *     stops at a page of matches or after {@link #WALK_SPAN} messages: at a density of one match
     *     in a hundred that is a full page; a page that stops short says how far it read, and the
     *     next page goes on from there. Reading a common word's whole index entry instead took
     *     60–80 ms for a word in half of a million messages, before reading a single row.</li>
     * </ul>
     * Either way a page costs the same at any history size.
     */
    public Found search(String query, Optional<Long> before, int limit) {
        return jdbi.inTransaction(h -> {
            // Plans for this query's words, not a generic one (the driver prepares statements after a few uses).
            h.execute("set local plan_cache_mode = force_custom_plan");
            long hi = before.orElse(Long.MAX_VALUE);
            long messages = h.createQuery("select greatest(reltuples, 0)::bigint from pg_class where oid = 'chat_messages'::regclass")
                    .mapTo(Long.class).one();
            if (expectedMatches(h, query) <= Math.max(INDEX_SEARCH_MAX_HITS, messages * limit / WALK_SPAN)) {
                List<Message> all = h.createQuery("""
                                with hits as materialized (  -- from the index: left to itself the planner may walk the key instead
                                    select m.id, m.thread_id, m.role, m.kind, m.text, m.created_at, m.stored_at, m.send_status, m.sent_at
                                    from chat_messages m where %s and m.id < :hi)
                                select * from hits order by id desc limit :limit""".formatted(MATCH))
                        .bind("q", query).bind("hi", hi).bind("limit", limit)
                        .map(DashboardRepository::message).list();
                return new Found(all, all.size() == limit ? Optional.of(all.getLast().id()) : Optional.empty());
            }
            // The span: the WALK_SPAN newest ids below hi, from the key alone.
            Optional<Long> lo = h.createQuery("select id from chat_messages where id < :hi order by id desc offset :span limit 1")
                    .bind("hi", hi).bind("span", WALK_SPAN - 1).mapTo(Long.class).findOne();
            h.execute("set local enable_bitmapscan = off"); // walk the key backwards, stopping at a page; never the whole index entry
            List<Message> found = h.createQuery("""
                            select m.id, m.thread_id, m.role, m.kind, m.text, m.created_at, m.stored_at, m.send_status, m.sent_at
                            from chat_messages m where m.id < :hi and m.id >= :lo and %s
                            order by m.id desc limit :limit""".formatted(MATCH))
                    .bind("q", query).bind("hi", hi).bind("lo", lo.orElse(0L)).bind("limit", limit)
                    .map(DashboardRepository::message).list();
            // A full page goes on after its last match; a short one below the span it read (or ends at the bottom).
            return new Found(found, found.size() == limit ? Optional.of(found.getLast().id()) : lo);
        });
    }

    /** The planner's estimate of the messages matching {@code query}. */
    private static long expectedMatches(org.jdbi.v3.core.Handle h, String query) {
        String plan = h.createQuery("explain (format json) select 1 from chat_messages m where " + MATCH)
                .bind("q", query).mapTo(String.class).one();
        try {
            return JSON.readTree(plan).path(0).path("Plan").path("Plan Rows").asLong(Long.MAX_VALUE);
        } catch (java.io.IOException e) {
            return Long.MAX_VALUE;
        }
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
