package dev.serveragent.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@code standing_goals}: the Master's standing goals for the proactive loop. Thread-safe. */
public final class GoalRepository {
    public record Row(long id, String text, Instant createdAt, Optional<Instant> droppedAt) {}

    private static final RowMapper<Row> ROW = (rs, ctx) -> new Row(rs.getLong("id"), rs.getString("text"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            Optional.ofNullable(rs.getObject("dropped_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant));

    private final Jdbi jdbi;

    public GoalRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Whether any goal is active (one indexed query: the proactive loop asks at every step). */
    public boolean anyActive() {
        return jdbi.withHandle(h -> h.createQuery("select exists (select 1 from standing_goals where dropped_at is null)")
                .mapTo(Boolean.class).one());
    }

    /** The active goals, oldest first. */
    public List<Row> active(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, text, created_at, dropped_at from standing_goals
                        where dropped_at is null order by id limit :limit""")
                .bind("limit", limit).map(ROW).list());
    }

    /**
     * Whether chat {@code viewer} may see the Master's goals: a Master's private chat, the console and
     * runs with no chat (0: the proactive loop, the dashboard) may; a group, whose members read what
     * the agent writes there, may not (the rule of {@code TaskRepository}'s private list).
     */
    public boolean visibleTo(long viewer) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select coalesce((select chat_type from chat_threads where id = :viewer), 'private') = 'private'")
                .bind("viewer", viewer).mapTo(Boolean.class).one());
    }

    public Row add(String text, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        insert into standing_goals (text, created_at) values (:text, :now)
                        returning id, text, created_at, dropped_at""")
                .bind("text", text).bind("now", now).map(ROW).one());
    }

    /** Drops goal {@code id}; empty when there is no such goal. A goal dropped already stays as it was. */
    public Optional<Row> drop(long id, Instant now) {
        return jdbi.withHandle(h -> {
            h.createUpdate("update standing_goals set dropped_at = :now where id = :id and dropped_at is null")
                    .bind("now", now).bind("id", id).execute();
            return h.createQuery("select id, text, created_at, dropped_at from standing_goals where id = :id")
                    .bind("id", id).map(ROW).findOne();
        });
    }
}
