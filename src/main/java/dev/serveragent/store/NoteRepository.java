package dev.serveragent.store;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.jdbi.v3.core.Jdbi;

/**
 * The Master's durable notes ({@code remember} / {@code forget}): rows of {@code memory_notes} of
 * kind {@code fact} (V85). The proactive loop's own kinds are {@link MemoryRepository}'s. A
 * forgotten note is deleted, so it no longer shows in the prompt or in search. Thread-safe.
 */
public final class NoteRepository {
    public static final String KIND = "fact";

    /**
     * A note, with where it came from: the chat of the run that kept it (empty: none, e.g. a proactive
     * run) and that run's mode ({@code question}, {@code command}, {@code proactive}; empty when not known).
     */
    public record Fact(long id, String content, Instant createdAt, OptionalLong threadId, java.util.Optional<String> mode) {
        public Fact(long id, String content, Instant createdAt) {
            this(id, content, createdAt, OptionalLong.empty(), java.util.Optional.empty());
        }
    }

    /**
     * Which notes a chat may see. A private chat (a Master's own; {@code chat_type} null for the
     * console) sees every note; any other chat (a group) sees only the notes kept in that chat, since
     * its members read what the agent writes there.
     */
    private static final String VISIBLE_IN = """
            (coalesce((select chat_type from chat_threads where id = :thread), 'private') = 'private'
             or meta_json->>'thread_id' = cast(:thread as text))""";

    private final Jdbi jdbi;

    public NoteRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores a note, remembering where it came from ({@code thread_id}, the run's mode) in its meta. */
    public long add(String content, OptionalLong threadId, String mode, Instant at) {
        return jdbi.withHandle(h -> h.createQuery("""
                        insert into memory_notes (kind, content, meta_json, created_at)
                        values (:kind, :content, jsonb_strip_nulls(jsonb_build_object('thread_id', cast(:thread as bigint),
                                                                                     'mode', cast(:mode as text))), :at)
                        returning id""")
                .bind("kind", KIND).bind("content", content)
                .bind("thread", threadId.isPresent() ? threadId.getAsLong() : null).bind("mode", mode).bind("at", at)
                .mapTo(Long.class).one());
    }

    /** Deletes the note {@code id}; false when there is no such note (of this kind). */
    public boolean forget(long id) {
        return jdbi.withHandle(h -> h.createUpdate("delete from memory_notes where id = :id and kind = :kind")
                .bind("id", id).bind("kind", KIND).execute()) == 1;
    }

    /** Deletes the note {@code id} if chat {@code threadId} may see it (see {@link #VISIBLE_IN}); false otherwise. */
    public boolean forgetVisibleIn(long id, long threadId) {
        return jdbi.withHandle(h -> h.createUpdate("delete from memory_notes where id = :id and kind = :kind and " + VISIBLE_IN)
                .bind("id", id).bind("kind", KIND).bind("thread", threadId).execute()) == 1;
    }

    /** The newest {@code limit} notes, newest first (memory_notes_kind_created_idx). */
    public List<Fact> newest(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, content, created_at, meta_json->>'thread_id' as thread, meta_json->>'mode' as mode
                        from memory_notes where kind = :kind order by created_at desc, id desc limit :limit""")
                .bind("kind", KIND).bind("limit", limit).map(NoteRepository::fact).list());
    }

    /** The newest {@code limit} notes a run in chat {@code threadId} may see (see {@link #VISIBLE_IN}), newest first. */
    public List<Fact> newestVisibleIn(long threadId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, content, created_at, meta_json->>'thread_id' as thread, meta_json->>'mode' as mode
                        from memory_notes where kind = :kind and""" + " " + VISIBLE_IN + """

                        order by created_at desc, id desc limit :limit""")
                .bind("kind", KIND).bind("thread", threadId).bind("limit", limit).map(NoteRepository::fact).list());
    }

    public int count() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from memory_notes where kind = :kind")
                .bind("kind", KIND).mapTo(Integer.class).one());
    }

    /** How many notes a run in chat {@code threadId} may see. */
    public int countVisibleIn(long threadId) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from memory_notes where kind = :kind and " + VISIBLE_IN)
                .bind("kind", KIND).bind("thread", threadId).mapTo(Integer.class).one());
    }

    private static Fact fact(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws java.sql.SQLException {
        String thread = rs.getString("thread");
        return new Fact(rs.getLong("id"), rs.getString("content"), rs.getTimestamp("created_at").toInstant(),
                thread == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(thread)),
                java.util.Optional.ofNullable(rs.getString("mode")));
    }
}
