package dev.serveragent.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Jdbi;

/**
 * Full-text search over everything stored (V85): messages, artifact texts and notes, and reading
 * messages back around a hit or in a date range. Read-only; thread-safe.
 *
 * <p>The query is the Master's words through {@code websearch_to_tsquery} (quotes for phrases,
 * {@code or}, {@code -word}), in the two configurations the stored vectors hold ('english' stems,
 * 'simple' keeps any language as written). Each source is ranked on its own GIN index
 * ({@code *_search_tsv_idx}), cut to {@code limit}, and only the merged top rows get a headline, so
 * the cost is the matching rows' ranks plus {@code limit} headlines.
 *
 * <p>Bound: per source, only the newest {@value #CANDIDATES} matching rows are ranked. A selective
 * query has fewer matches than that, so nothing changes for it; a word found in a large share of
 * the history (half a million messages at 1,000,000) would otherwise cost a rank per match,
 * seconds instead of milliseconds, and among so many the newest are the likeliest wanted. The
 * planner picks the GIN index or the primary key read backwards by the estimated match count
 * (docs/PERFORMANCE.md, "search_memory").
 */
public final class SearchRepository {
    /** How many of the newest matches of each source are ranked. */
    public static final int CANDIDATES = 500;

    /** One hit: {@code source} is {@code message}, {@code artifact} or {@code note}. */
    public record Hit(String source, long id, OptionalLong messageId, OptionalLong threadId, Optional<String> platform,
                      Optional<String> role, Optional<String> kind, Instant at, double rank, String snippet) {}

    /** A stored message read back, with its artifacts' text (JSON) when it has any. */
    public record StoredMessage(long id, long threadId, String platform, String role, String kind, Instant at, String text,
                                Long authorUserId, List<String> artifacts) {}

    private final Jdbi jdbi;

    public SearchRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The best {@code limit} hits for {@code query}, best first (ties: newest first), optionally
     * only in {@code threadId}. A query with no searchable word (stop words only) finds nothing.
     */
    public List<Hit> search(String query, OptionalLong threadId, int limit) {
        // A custom plan for every call: the planner must see the query's words to choose between the
        // GIN index (few matches) and the key read backwards (a word in much of the history); a
        // generic plan, which pgjdbc's server-side prepare would get after five calls, guesses.
        return jdbi.inTransaction(h -> {
            h.execute("set local plan_cache_mode = force_custom_plan");
            return h.createQuery("""
                        select top.*, t.platform,
                               -- the headline only for the rows returned: it re-parses the text
                               ts_headline('english', case top.source
                                       when 'message' then (select text from chat_messages where id = top.id)
                                       when 'artifact' then (select content_json::text from message_artifacts where id = top.id)
                                       else (select content from memory_notes where id = top.id) end,
                                   QUERY, 'MaxWords=40, MinWords=15, MaxFragments=2, StartSel=«, StopSel=»') as snippet
                        from (
                            (select 'message' as source, m.id, m.id as message_id, m.thread_id, m.role, m.kind,
                                    m.created_at as at, ts_rank(m.search_tsv, QUERY) as rank
                             from (select c.* from chat_messages c
                                   where c.search_tsv @@ QUERY     -- chat_messages_search_tsv_idx for a selective query,
                                     and (cast(:thread as bigint) is null or c.thread_id = :thread)
                                   order by c.id desc              -- or the primary key backwards for a word in every
                                   limit :candidates) m            -- other message: either way at most :candidates ranked
                             order by rank desc, m.created_at desc limit :limit)
                            union all
                            (select 'artifact', a.id, a.message_id, m.thread_id, m.role, a.kind, m.created_at, ts_rank(a.search_tsv, QUERY)
                             from (select a.* from message_artifacts a
                                   where a.search_tsv @@ QUERY     -- message_artifacts_search_tsv_idx (or its key, as above)
                                     and (cast(:thread as bigint) is null
                                          or exists (select 1 from chat_messages t where t.id = a.message_id and t.thread_id = :thread))
                                   order by a.id desc limit :candidates) a
                             join chat_messages m on m.id = a.message_id
                             order by 8 desc, m.created_at desc limit :limit)
                            union all
                            (select 'note', n.id, null, null, null, n.kind, n.created_at, ts_rank(n.search_tsv, QUERY)
                             from memory_notes n
                             where n.search_tsv @@ QUERY           -- memory_notes_search_tsv_idx
                               and cast(:thread as bigint) is null
                             order by 8 desc, n.created_at desc limit :limit)
                            order by 8 desc, 7 desc limit :limit) top
                        left join chat_threads t on t.id = top.thread_id
                        order by top.rank desc, top.at desc""".replace("QUERY", QUERY))
                .bind("q", query)
                .bind("thread", threadId.isPresent() ? threadId.getAsLong() : null)
                .bind("limit", limit)
                .bind("candidates", CANDIDATES)
                .map((rs, ctx) -> new Hit(rs.getString("source"), rs.getLong("id"),
                        optLong(rs.getObject("message_id", Long.class)), optLong(rs.getObject("thread_id", Long.class)),
                        Optional.ofNullable(rs.getString("platform")), Optional.ofNullable(rs.getString("role")),
                        Optional.ofNullable(rs.getString("kind")), rs.getTimestamp("at").toInstant(), rs.getDouble("rank"),
                        rs.getString("snippet")))
                .list();
        });
    }

    /** The query in both configurations of the stored vectors (V85), inlined so the planner sees its words. */
    private static final String QUERY = "(websearch_to_tsquery('english', :q) || websearch_to_tsquery('simple', :q))";

    /**
     * The message {@code messageId} with up to {@code before} messages before it and {@code after}
     * after it in its thread, oldest first; empty when there is no such message, or when
     * {@code onlyThread} is given and the message is in another thread.
     */
    public List<StoredMessage> around(long messageId, int before, int after, OptionalLong onlyThread) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + """
                        where m.id in (
                            (select b.id from chat_messages b, anchor
                             where b.thread_id = anchor.thread_id and (b.created_at, b.id) < (anchor.created_at, anchor.id)
                             order by b.created_at desc, b.id desc limit :before)   -- chat_messages_thread_created_idx
                            union all
                            (select anchor.id from anchor)
                            union all
                            (select a.id from chat_messages a, anchor
                             where a.thread_id = anchor.thread_id and (a.created_at, a.id) > (anchor.created_at, anchor.id)
                             order by a.created_at, a.id limit :after))
                        order by m.created_at, m.id""")
                .bind("anchor", messageId).bind("before", before).bind("after", after)
                .bind("only", onlyThread.isPresent() ? onlyThread.getAsLong() : null)
                .map((rs, ctx) -> storedMessage(rs))
                .list());
    }

    /** Messages of {@code threadId} in {@code [from, to)}, oldest first, at most {@code limit}. */
    public List<StoredMessage> between(long threadId, Instant from, Instant to, int limit) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + """
                        where m.id in (select r.id from chat_messages r
                                       where r.thread_id = :thread and r.created_at >= :from and r.created_at < :to
                                       order by r.created_at, r.id limit :limit)    -- chat_messages_thread_created_idx
                        order by m.created_at, m.id""")
                .bind("anchor", -1L).bind("only", (Long) null).bind("thread", threadId).bind("from", from).bind("to", to).bind("limit", limit)
                .map((rs, ctx) -> storedMessage(rs))
                .list());
    }

    /**
     * Whether {@code threadId} is a private chat: its {@code chat_type} is {@code private}, or none
     * was recorded (the console's thread and the Master's own thread for reports, made by
     * {@code ThreadRepository.findOrCreate}; every channel records a group's type with its first
     * message). False for a group, supergroup or channel, and for a thread that does not exist.
     */
    public boolean isPrivate(long threadId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select coalesce(chat_type, 'private') = 'private' from chat_threads where id = :t")
                .bind("t", threadId).mapTo(Boolean.class).findOne().orElse(false));
    }

    private static final String SELECT = """
            with anchor as (select id, thread_id, created_at from chat_messages
                            where id = :anchor and (cast(:only as bigint) is null or thread_id = :only))
            select m.id, m.thread_id, t.platform, m.role, m.kind, m.created_at, m.text, m.author_user_id,
                   coalesce((select json_agg(a.kind || ': ' || coalesce(a.content_json::text, a.status) order by a.id)
                             from message_artifacts a where a.message_id = m.id), '[]'::json)::text as artifacts
            from chat_messages m join chat_threads t on t.id = m.thread_id
            """;

    private static StoredMessage storedMessage(java.sql.ResultSet rs) throws java.sql.SQLException {
        List<String> artifacts;
        try {
            artifacts = List.of(JSON.readValue(rs.getString("artifacts"), String[].class));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("artifact aggregate is not valid JSON", e);
        }
        return new StoredMessage(rs.getLong("id"), rs.getLong("thread_id"), rs.getString("platform"), rs.getString("role"),
                rs.getString("kind"), rs.getTimestamp("created_at").toInstant(), rs.getString("text"),
                rs.getObject("author_user_id", Long.class), artifacts);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static OptionalLong optLong(Long v) {
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }
}
