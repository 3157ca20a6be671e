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

    public record Fact(long id, String content, Instant createdAt) {}

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

    /** The newest {@code limit} notes, newest first (memory_notes_kind_created_idx). */
    public List<Fact> newest(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, content, created_at from memory_notes
                        where kind = :kind order by created_at desc, id desc limit :limit""")
                .bind("kind", KIND).bind("limit", limit)
                .map((rs, ctx) -> new Fact(rs.getLong("id"), rs.getString("content"), rs.getTimestamp("created_at").toInstant()))
                .list());
    }

    public int count() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from memory_notes where kind = :kind")
                .bind("kind", KIND).mapTo(Integer.class).one());
    }
}
