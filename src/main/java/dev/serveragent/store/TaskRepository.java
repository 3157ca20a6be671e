package dev.serveragent.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * {@code tasks} (and their {@code projects}) as the Master's agenda sees them: the same rows the
 * proactive loop writes back ({@link MemoryRepository}) and the dashboard shows, read and changed
 * one at a time by id. Thread-safe.
 */
public final class TaskRepository {
    /** Open: not done and not dropped. */
    public static final List<String> OPEN = List.of("todo", "in_progress", "blocked");

    public record Row(long id, Optional<String> project, String title, Optional<String> description, String status,
            int priority, Optional<String> notes, boolean autonomous, Instant createdAt, Instant updatedAt) {}

    /** A new task; {@code project} names a project, created if missing. */
    public record NewRow(Optional<String> project, String title, Optional<String> description, String status, int priority,
            Optional<String> notes, boolean autonomous) {}

    /** A change to a task: empty fields keep the stored value. */
    public record Change(Optional<String> project, Optional<String> title, Optional<String> description, Optional<String> status,
            Optional<Integer> priority, Optional<String> notes, Optional<Boolean> autonomous) {}

    private static final String SELECT = """
            select t.id, p.name as project, t.title, t.description, t.status, t.priority, t.notes, t.autonomous,
                   t.created_at, t.updated_at
            from tasks t left join projects p on p.id = t.project_id""";

    private static final RowMapper<Row> ROW = (rs, ctx) -> new Row(rs.getLong("id"), Optional.ofNullable(rs.getString("project")),
            rs.getString("title"), Optional.ofNullable(rs.getString("description")), rs.getString("status"), rs.getInt("priority"),
            Optional.ofNullable(rs.getString("notes")), rs.getBoolean("autonomous"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getObject("updated_at", OffsetDateTime.class).toInstant());

    /**
     * Which tasks a chat ({@code :viewer}) may see and change. A Master's private chat, the console
     * and runs with no chat (0: the proactive loop) see the Master's one list; any other chat (a group)
     * only the tasks made in it, since its members read what the agent writes there (V96).
     */
    private static final String VISIBLE_TO_VIEWER = """
            (coalesce((select chat_type from chat_threads where id = :viewer), 'private') = 'private'
             or t.thread_id = :viewer)""";

    private final Jdbi jdbi;

    public TaskRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Whether any task marked autonomous is to do or in progress (the proactive loop's work; blocked waits on the Master). */
    public boolean anyAutonomousOpen() {
        return jdbi.withHandle(h -> h.createQuery(
                        "select exists (select 1 from tasks where autonomous and status in ('todo', 'in_progress'))")
                .mapTo(Boolean.class).one());
    }

    /**
     * Tasks whose status is one of {@code statuses}, optionally of one project: in progress first,
     * then blocked, then to do, then by priority (highest first) and age.
     */
    public List<Row> list(List<String> statuses, Optional<String> project, int limit) {
        return list(statuses, project, limit, 0);
    }

    /** {@link #list(List, Optional, int)} of the tasks chat {@code viewer} may see (see {@link #VISIBLE_TO_VIEWER}). */
    public List<Row> list(List<String> statuses, Optional<String> project, int limit, long viewer) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + """

                        where t.status in (<statuses>) and (cast(:project as text) is null or p.name = :project)
                          and""" + " " + VISIBLE_TO_VIEWER + """

                        order by case t.status when 'in_progress' then 0 when 'blocked' then 1 when 'todo' then 2 else 3 end,
                                 t.priority desc, t.id
                        limit :limit""")
                .bindList("statuses", statuses).bind("project", project.orElse(null)).bind("limit", limit)
                .bind("viewer", viewer).map(ROW).list());
    }

    /** Whether task {@code id} exists and chat {@code viewer} may see and change it. */
    public boolean visibleTo(long id, long viewer) {
        return jdbi.withHandle(h -> h.createQuery("select exists (select 1 from tasks t where t.id = :id and " + VISIBLE_TO_VIEWER + ")")
                .bind("id", id).bind("viewer", viewer).mapTo(Boolean.class).one());
    }

    public Optional<Row> find(long id) {
        return jdbi.withHandle(h -> find(h, id));
    }

    public Row add(NewRow t, Instant now) {
        return add(t, 0, now);
    }

    /** Adds a task made in chat {@code threadId} (0: in none). */
    public Row add(NewRow t, long threadId, Instant now) {
        return jdbi.inTransaction(h -> {
            Long projectId = t.project().map(name -> project(h, name, now)).orElse(null);
            long id = h.createQuery("""
                            insert into tasks (project_id, title, description, status, priority, notes, autonomous, thread_id,
                                               created_at, updated_at)
                            values (:project, :title, :description, :status, :priority, :notes, :autonomous,
                                    (select id from chat_threads where id = :thread), :now, :now)
                            returning id""")
                    .bind("project", projectId).bind("title", t.title()).bind("description", t.description().orElse(null))
                    .bind("status", t.status()).bind("priority", t.priority()).bind("notes", t.notes().orElse(null))
                    .bind("autonomous", t.autonomous()).bind("thread", threadId).bind("now", now)
                    .mapTo(Long.class).one();
            return find(h, id).orElseThrow();
        });
    }

    /** Applies {@code c} to task {@code id}; empty when there is no such task. */
    public Optional<Row> update(long id, Change c, Instant now) {
        return jdbi.inTransaction(h -> {
            if (find(h, id).isEmpty()) {
                return Optional.empty();
            }
            Long projectId = c.project().map(name -> project(h, name, now)).orElse(null);
            h.createUpdate("""
                            update tasks
                               set project_id = coalesce(:project, project_id), title = coalesce(:title, title),
                                   description = coalesce(:description, description), status = coalesce(:status, status),
                                   priority = coalesce(:priority, priority), notes = coalesce(:notes, notes),
                                   autonomous = coalesce(:autonomous, autonomous), updated_at = :now
                             where id = :id""")
                    .bind("project", projectId).bind("title", c.title().orElse(null))
                    .bind("description", c.description().orElse(null)).bind("status", c.status().orElse(null))
                    .bind("priority", c.priority().orElse(null)).bind("notes", c.notes().orElse(null))
                    .bind("autonomous", c.autonomous().orElse(null)).bind("now", now).bind("id", id)
                    .execute();
            return find(h, id);
        });
    }

    private static Optional<Row> find(Handle h, long id) {
        return h.createQuery(SELECT + "\nwhere t.id = :id").bind("id", id).map(ROW).findOne();
    }

    /** The project's id, created (active) if missing; safe against a concurrent insert of the same name. */
    private static long project(Handle h, String name, Instant now) {
        return h.createQuery("""
                        insert into projects (name, status, created_at, updated_at) values (:name, 'active', :now, :now)
                        on conflict (name) do update set updated_at = projects.updated_at
                        returning id""")
                .bind("name", name).bind("now", now).mapTo(Long.class).one();
    }
}
