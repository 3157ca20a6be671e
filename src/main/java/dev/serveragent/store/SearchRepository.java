package dev.serveragent.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Full-text search over everything stored (V85): messages, artifact texts and notes, and reading
 * messages back around a hit or in a date range. Read-only; thread-safe. docs/MEMORY.md says what
 * is searched and how hits are ranked; docs/PERFORMANCE.md ("search_memory") what it costs.
 *
 * <p>The query is the Master's words through {@code websearch_to_tsquery} (quotes for phrases,
 * {@code or}, {@code -word}), in the two configurations the stored vectors hold ('english' stems,
 * 'simple' keeps any language as written), ORed.
 *
 * <p>Messages and their artifacts are searched newest first in <b>windows of message ids</b>
 * ({@link #walk}): {@code id >= lo and id < hi} lets the planner AND the GIN index of the words
 * with a range of the primary key (or of {@code message_artifacts_message_idx}), so a word found
 * in one message of a hundred costs the heap rows of its matches in the window, not all its
 * matches in the history (a bitmap of the GIN index alone) nor tens of thousands of non-matching
 * rows (the key read backwards). The first window spans {@value #FIRST_SPAN_PER_MESSAGE} ids per
 * message wanted; the next is sized from the density of matches seen so far, or is the rest of the
 * history when matches are rare, so a query costs two or three statements. Both uses share it: the ranked search of
 * {@code search_memory} ({@link #search}: the newest {@value #CANDIDATES} matching messages are
 * ranked) and the dashboard's paged list ({@link #newest}: all matches, newest first).
 */
public final class SearchRepository {
    /** How many of the newest matching messages (text or artifact) the ranked search ranks. */
    public static final int CANDIDATES = 500;
    /**
     * The first window spans this many ids per message wanted (50,000 for the ranked search's 500,
     * 5,000 for a dashboard page of 50): a word in at least 1 % of the messages is done in it.
     */
    static final long FIRST_SPAN_PER_MESSAGE = 100;
    /** Below this share of matching messages, a window reads its matches through bitmaps only. */
    static final double DENSE = 0.05;
    /**
     * A bounded window spans at most this many ids: past it, matches are so sparse that the rest of
     * the history at once costs less (the GIN index alone reads only the word's few matches, where
     * a bounded window would also read this many entries of the key).
     */
    static final long MAX_WINDOW = 200_000;
    /** A window grows at most this many times over the one before. */
    private static final long MAX_GROWTH = 16;

    /**
     * One hit: {@code source} is {@code message}, {@code artifact} or {@code note}; {@code id} is
     * that row's id, {@code messageId} the message it belongs to (none for a note).
     */
    public record Hit(String source, long id, OptionalLong messageId, OptionalLong threadId, Optional<String> platform,
                      Optional<String> role, Optional<String> kind, Instant at, double rank, String snippet) {}

    /**
     * One page of the newest-first list: the hits of at most {@code limit} messages, newest message
     * first (a message's own text before its artifacts), and where the next page starts
     * ({@code olderBefore}: pass it as {@code before}; empty at the bottom of the history).
     */
    public record Page(List<Hit> hits, Optional<Long> olderBefore) {
        /** The ids of the page's messages, newest first, each once. */
        public List<Long> messageIds() {
            return hits.stream().map(h -> h.messageId().orElseThrow()).distinct().toList();
        }
    }

    /** A stored message read back, with its artifacts' text (JSON) when it has any. */
    public record StoredMessage(long id, long threadId, String platform, String role, String kind, Instant at, String text,
                                Long authorUserId, List<String> artifacts) {}

    private final Jdbi jdbi;

    public SearchRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The best {@code limit} hits for {@code query}, best first (ties: newest first), optionally
     * only in {@code threadId}. Ranked ({@code ts_rank}): the newest {@value #CANDIDATES} messages
     * that match by their text or an artifact, and every matching note (none when a thread is
     * given). A query with no searchable word (stop words only) finds nothing.
     */
    public List<Hit> search(String query, OptionalLong threadId, int limit) {
        return jdbi.inTransaction(h -> {
            customPlans(h);
            Long thread = threadId.isPresent() ? threadId.getAsLong() : null;
            List<Hit> best = walk(h, query, thread, Long.MAX_VALUE, CANDIDATES).hits().stream()
                    .sorted(BEST).limit(limit).toList();
            // One more statement: the best notes (none with a thread) merged with the best messages and
            // artifacts, and the headlines of the rows returned.
            List<Hit> top = h.createQuery("""
                            with cand as (
                                select * from unnest(cast(:sources as text[]), cast(:ids as bigint[]), cast(:mids as bigint[]),
                                                     cast(:tids as bigint[]), cast(:roles as text[]), cast(:kinds as text[]),
                                                     cast(:ats as timestamptz[]), cast(:ranks as float8[]))
                                    as c(source, id, message_id, thread_id, role, kind, at, rank)),
                            note as (
                                select 'note' as source, n.id, null::bigint, null::bigint, null::text, n.kind, n.created_at,
                                       ts_rank(n.search_tsv, QUERY)::float8 as rank
                                from memory_notes n
                                where cast(:thread as bigint) is null and n.search_tsv @@ QUERY   -- memory_notes_search_tsv_idx
                                order by rank desc, n.created_at desc limit :limit),
                            top as (select * from cand union all select * from note order by rank desc, at desc limit :limit)
                            select top.*, t.platform,
                                   ts_headline('english', case top.source
                                           when 'message' then (select text from chat_messages where id = top.id)
                                           when 'artifact' then (select content_json::text from message_artifacts where id = top.id)
                                           else (select content from memory_notes where id = top.id) end,
                                       QUERY, 'MaxWords=40, MinWords=15, MaxFragments=2, StartSel=«, StopSel=»') as snippet
                            from top left join chat_threads t on t.id = top.thread_id
                            order by top.rank desc, top.at desc""".replace("QUERY", QUERY))
                    .bind("q", query).bind("thread", thread).bind("limit", limit)
                    .bind("sources", best.stream().map(Hit::source).toArray(String[]::new))
                    .bind("ids", best.stream().map(Hit::id).toArray(Long[]::new))
                    .bind("mids", best.stream().map(x -> x.messageId().isPresent() ? x.messageId().getAsLong() : null).toArray(Long[]::new))
                    .bind("tids", best.stream().map(x -> x.threadId().isPresent() ? x.threadId().getAsLong() : null).toArray(Long[]::new))
                    .bind("roles", best.stream().map(x -> x.role().orElse(null)).toArray(String[]::new))
                    .bind("kinds", best.stream().map(x -> x.kind().orElse(null)).toArray(String[]::new))
                    .bind("ats", best.stream().map(x -> java.time.OffsetDateTime.ofInstant(x.at(), java.time.ZoneOffset.UTC))
                            .toArray(java.time.OffsetDateTime[]::new))
                    .bind("ranks", best.stream().map(Hit::rank).toArray(Double[]::new))
                    .map((rs, ctx) -> {
                        Hit x = hit(rs);
                        return new Hit(x.source(), x.id(), x.messageId(), x.threadId(), Optional.ofNullable(rs.getString("platform")),
                                x.role(), x.kind(), x.at(), x.rank(), rs.getString("snippet") == null ? "" : rs.getString("snippet"));
                    })
                    .list();
            return top;
        });
    }

    /** Best first: rank, then newest. */
    private static final Comparator<Hit> BEST =
            Comparator.comparingDouble(Hit::rank).reversed().thenComparing(Hit::at, Comparator.reverseOrder());

    /**
     * One page of every message matching {@code query} by its text or an artifact, newest first,
     * below message {@code before} (all when empty), optionally only in {@code threadId}: the hits
     * of at most {@code limit} messages, with snippets. Following {@link Page#olderBefore} reaches
     * every match once. Notes are not listed (they belong to no conversation).
     */
    public Page newest(String query, OptionalLong threadId, Optional<Long> before, int limit) {
        return jdbi.inTransaction(h -> {
            customPlans(h);
            Window w = walk(h, query, threadId.isPresent() ? threadId.getAsLong() : null, before.orElse(Long.MAX_VALUE), limit);
            List<Hit> hits = w.hits().stream()
                    .sorted(Comparator.comparingLong((Hit x) -> x.messageId().orElseThrow()).reversed()
                            .thenComparing(x -> x.source().equals("message") ? 0 : 1).thenComparingLong(Hit::id))
                    .toList();
            long messages = hits.stream().map(Hit::messageId).distinct().count();
            // A full page goes on below its last message; a short one has read down to the bottom.
            Optional<Long> older = messages == limit ? Optional.of(hits.getLast().messageId().orElseThrow()) : Optional.empty();
            return new Page(withSnippets(h, query, hits), older);
        });
    }

    /** The hits of the newest {@code n} matching messages below {@code hi}, and the lowest id read ({@code lo}, 0: the bottom). */
    private record Window(List<Hit> hits, long lo) {}

    /**
     * The newest {@code n} messages below {@code hi} that match by their text or an artifact, with
     * their hits (unranked snippet-less rows, ranked), walking windows of message ids downwards.
     */
    private static Window walk(Handle h, String query, Long thread, long hi, int n) {
        Long top = h.createQuery("select max(id) from chat_messages where id < :hi").bind("hi", hi).mapTo(Long.class).one();
        if (top == null) {
            return new Window(List.of(), 0);
        }
        long upper = top + 1;  // exclusive
        long span = FIRST_SPAN_PER_MESSAGE * n;
        long read = 0;
        List<Hit> hits = new ArrayList<>();
        java.util.TreeSet<Long> messages = new java.util.TreeSet<>(Comparator.reverseOrder());
        while (true) {
            long lo = Math.max(0, upper - span);
            List<Hit> found = window(h, query, thread, lo, upper, n - messages.size());
            found.forEach(x -> messages.add(x.messageId().orElseThrow()));
            hits.addAll(found);
            read += upper - lo;
            if (messages.size() >= n || lo == 0) {
                // Keep exactly the n newest messages: each source brought up to n of its own.
                if (messages.size() > n) {
                    long last = messages.stream().skip(n - 1).findFirst().orElseThrow();
                    hits.removeIf(x -> x.messageId().orElseThrow() < last);
                }
                h.execute("reset enable_indexscan");
                return new Window(hits, lo);
            }
            long need = n - messages.size();
            // Next window: sized from the density seen so far (with a margin), at least twice and at most
            // MAX_GROWTH times the last; none seen, or the window would reach near the bottom anyway: the rest
            // of the history at once (a rare word: the GIN index alone, one statement instead of several).
            long next = messages.isEmpty() ? upper : (long) Math.ceil(need * 1.25 * read / messages.size());
            span = Math.max(span * 2, Math.min(span * MAX_GROWTH, next));
            upper = lo;
            if (span >= upper * 3 / 4 || span > MAX_WINDOW) {
                span = upper;
            }
            // Matches are sparse: read only their heap rows (the GIN index, ANDed with the key's range in a
            // bounded window), never every row through the key read backwards, which the planner's
            // even-spread estimate may pick for a small limit (3 s for a word in 180 of a million messages,
            // its estimate 1,046). Dense matches: the planner's choice stands (the key backwards, a few rows
            // per match). The first window is left to the planner: whatever it picks reads at most its span.
            boolean sparse = messages.size() < DENSE * read;
            h.execute(sparse ? "set local enable_indexscan = off" : "reset enable_indexscan");
        }
    }

    /**
     * The hits of the newest {@code n} messages with ids in [lo, hi) that match by their text, and
     * of the newest {@code n} that match by an artifact (each with all its matching artifacts).
     */
    private static List<Hit> window(Handle h, String query, Long thread, long lo, long hi, int n) {
        return h.createQuery("""
                        select 'message' as source, m.id, m.id as message_id, m.thread_id, m.role, m.kind, m.created_at as at,
                               ts_rank(m.search_tsv, QUERY) as rank   -- only for the rows kept
                        from (select c.id, c.thread_id, c.role, c.kind, c.created_at, c.search_tsv from chat_messages c
                              where c.search_tsv @@ QUERY and c.id >= :lo and c.id < :hi   -- GIN and primary key, ANDed
                                and (cast(:thread as bigint) is null or c.thread_id = :thread)
                              order by c.id desc limit :n) m
                        union all
                        select 'artifact', a.id, a.message_id, m.thread_id, m.role, a.kind, m.created_at, ts_rank(a.search_tsv, QUERY)
                        from (select distinct x.message_id from message_artifacts x      -- the newest n messages with a matching artifact:
                              where x.search_tsv @@ QUERY and x.message_id >= :lo and x.message_id < :hi  -- GIN and message_artifacts_message_idx
                                and (cast(:thread as bigint) is null
                                     or exists (select 1 from chat_messages t where t.id = x.message_id and t.thread_id = :thread))
                              order by x.message_id desc limit :n) d
                        join message_artifacts a on a.message_id = d.message_id and a.search_tsv @@ QUERY  -- all of their matching artifacts
                        join chat_messages m on m.id = d.message_id""".replace("QUERY", QUERY))
                .bind("q", query).bind("lo", lo).bind("hi", hi).bind("n", n).bind("thread", thread)
                .map((rs, ctx) -> hit(rs))
                .list();
    }

    /** {@code hits} with their thread's platform and a headline each (only these rows' texts are re-parsed). */
    private static List<Hit> withSnippets(Handle h, String query, List<Hit> hits) {
        if (hits.isEmpty()) {
            return hits;
        }
        record Extra(String key, String platform, String snippet) {}
        Map<String, Extra> extra = new HashMap<>();
        h.createQuery("""
                        select r.source, r.id, t.platform,
                               ts_headline('english', case r.source
                                       when 'message' then (select text from chat_messages where id = r.id)
                                       when 'artifact' then (select content_json::text from message_artifacts where id = r.id)
                                       else (select content from memory_notes where id = r.id) end,
                                   QUERY, 'MaxWords=40, MinWords=15, MaxFragments=2, StartSel=«, StopSel=»') as snippet
                        from unnest(cast(:sources as text[]), cast(:ids as bigint[]), cast(:threads as bigint[])) as r(source, id, thread_id)
                        left join chat_threads t on t.id = r.thread_id""".replace("QUERY", QUERY))
                .bind("q", query)
                .bind("sources", hits.stream().map(Hit::source).toArray(String[]::new))
                .bind("ids", hits.stream().map(Hit::id).toArray(Long[]::new))
                .bind("threads", hits.stream().map(x -> x.threadId().isPresent() ? x.threadId().getAsLong() : null).toArray(Long[]::new))
                .map((rs, ctx) -> new Extra(rs.getString("source") + rs.getLong("id"), rs.getString("platform"), rs.getString("snippet")))
                .forEach(e -> extra.put(e.key(), e));
        return hits.stream().map(x -> {
            Extra e = extra.getOrDefault(x.source() + x.id(), new Extra("", null, ""));
            return new Hit(x.source(), x.id(), x.messageId(), x.threadId(), Optional.ofNullable(e.platform()), x.role(), x.kind(),
                    x.at(), x.rank(), e.snippet() == null ? "" : e.snippet());
        }).toList();
    }

    /**
     * A custom plan for every statement: the planner must see the query's words (to choose the GIN
     * index, or the key read backwards for a word in most messages); a generic plan, which pgjdbc's
     * server-side prepare would get after five calls, guesses.
     */
    private static void customPlans(Handle h) {
        h.execute("set local plan_cache_mode = force_custom_plan");
    }

    private static Hit hit(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Hit(rs.getString("source"), rs.getLong("id"), optLong(rs.getObject("message_id", Long.class)),
                optLong(rs.getObject("thread_id", Long.class)), Optional.empty(), Optional.ofNullable(rs.getString("role")),
                Optional.ofNullable(rs.getString("kind")), rs.getTimestamp("at").toInstant(), rs.getDouble("rank"), "");
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
