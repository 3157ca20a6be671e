package dev.serveragent.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The proactive loop's memory: {@code projects}, {@code tasks} and {@code memory_notes} (kinds
 * {@code aroma}, {@code cycle_summary}, {@code note}). Thread-safe.
 */
public final class MemoryRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Jdbi jdbi;

    public MemoryRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public record Project(long id, String name, Optional<String> description, String status, Instant updatedAt) {}

    public record Task(long id, Optional<String> project, String title, Optional<String> description, String status,
            int priority, Optional<String> notes, Instant updatedAt) {}

    public record Note(long id, String kind, String content, Instant createdAt) {}

    /** A project to create or update by name; empty fields leave the stored value. */
    public record ProjectUpsert(String name, Optional<String> description, Optional<String> status) {}

    /**
     * A task to update by id (when it names an existing one) or else by exact title, or to create;
     * empty fields leave the stored value (or take the column default on insert).
     */
    public record TaskUpsert(Optional<Long> id, Optional<String> project, String title, Optional<String> description,
            Optional<String> status, Optional<Integer> priority, Optional<String> notes) {}

    /** Everything one cycle writes back, stored in one transaction. */
    public record Writeback(List<ProjectUpsert> projects, List<TaskUpsert> tasks, List<NewNote> notes) {}

    public record NewNote(String kind, String content, Map<String, Object> meta) {}

    /** Projects that are active, most recently touched first. */
    public List<Project> activeProjects(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, name, description, status, updated_at from projects
                        where status = 'active' order by updated_at desc, id desc limit :limit""")
                .bind("limit", limit)
                .map((rs, ctx) -> new Project(rs.getLong("id"), rs.getString("name"), Optional.ofNullable(rs.getString("description")),
                        rs.getString("status"), rs.getTimestamp("updated_at").toInstant()))
                .list());
    }

    /** Open tasks (in progress first, then blocked and to do), by priority. */
    public List<Task> openTasks(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select t.id, p.name as project, t.title, t.description, t.status, t.priority, t.notes, t.updated_at
                        from tasks t left join projects p on p.id = t.project_id
                        where t.status in ('in_progress', 'blocked', 'todo')
                        order by case t.status when 'in_progress' then 0 when 'blocked' then 1 else 2 end,
                                 t.priority desc, t.updated_at desc, t.id
                        limit :limit""")
                .bind("limit", limit)
                .map((rs, ctx) -> new Task(rs.getLong("id"), Optional.ofNullable(rs.getString("project")), rs.getString("title"),
                        Optional.ofNullable(rs.getString("description")), rs.getString("status"), rs.getInt("priority"),
                        Optional.ofNullable(rs.getString("notes")), rs.getTimestamp("updated_at").toInstant()))
                .list());
    }

    /** The newest notes of a kind, newest first. */
    public List<Note> latestNotes(String kind, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, kind, content, created_at from memory_notes
                        where kind = :kind order by created_at desc, id desc limit :limit""")
                .bind("kind", kind).bind("limit", limit)
                .map((rs, ctx) -> new Note(rs.getLong("id"), rs.getString("kind"), rs.getString("content"),
                        rs.getTimestamp("created_at").toInstant()))
                .list());
    }

    /** Applies a cycle's projects, tasks and notes in one transaction, stamped {@code at}. */
    public void writeBack(Writeback w, Instant at) {
        jdbi.useTransaction(h -> {
            for (ProjectUpsert p : w.projects()) {
                upsertProject(h, p, at);
            }
            for (TaskUpsert t : w.tasks()) {
                upsertTask(h, t, at);
            }
            for (NewNote n : w.notes()) {
                addNote(h, n, at);
            }
        });
    }

    public long addNote(NewNote n, Instant at) {
        return jdbi.withHandle(h -> addNote(h, n, at));
    }

    private static long upsertProject(Handle h, ProjectUpsert p, Instant at) {
        return h.createQuery("""
                        insert into projects (name, description, status, created_at, updated_at)
                        values (:name, :description, coalesce(:status, 'active'), :at, :at)
                        on conflict (name) do update
                        set description = coalesce(excluded.description, projects.description),
                            status = coalesce(:status, projects.status),
                            updated_at = :at
                        returning id""")
                .bind("name", p.name()).bind("description", p.description().orElse(null))
                .bind("status", p.status().orElse(null)).bind("at", at)
                .mapTo(Long.class).one();
    }

    private static long upsertTask(Handle h, TaskUpsert t, Instant at) {
        Long projectId = t.project().map(name -> upsertProject(h, new ProjectUpsert(name, Optional.empty(), Optional.empty()), at))
                .orElse(null);
        Optional<Long> existing = t.id().flatMap(id -> h.createQuery("select id from tasks where id = :id").bind("id", id)
                .mapTo(Long.class).findOne());
        if (existing.isEmpty()) {
            existing = h.createQuery("select id from tasks where title = :title order by id desc limit 1")
                    .bind("title", t.title()).mapTo(Long.class).findOne();
        }
        if (existing.isPresent()) {
            h.createUpdate("""
                            update tasks
                            set project_id = coalesce(:project, project_id), title = :title,
                                description = coalesce(:description, description), status = coalesce(:status, status),
                                priority = coalesce(:priority, priority), notes = coalesce(:notes, notes), updated_at = :at
                            where id = :id""")
                    .bind("project", projectId).bind("title", t.title()).bind("description", t.description().orElse(null))
                    .bind("status", t.status().orElse(null)).bind("priority", t.priority().orElse(null))
                    .bind("notes", t.notes().orElse(null)).bind("at", at).bind("id", existing.get())
                    .execute();
            return existing.get();
        }
        return h.createQuery("""
                        insert into tasks (project_id, title, description, status, priority, notes, created_at, updated_at)
                        values (:project, :title, :description, coalesce(:status, 'todo'), coalesce(:priority, 0), :notes, :at, :at)
                        returning id""")
                .bind("project", projectId).bind("title", t.title()).bind("description", t.description().orElse(null))
                .bind("status", t.status().orElse(null)).bind("priority", t.priority().orElse(null))
                .bind("notes", t.notes().orElse(null)).bind("at", at)
                .mapTo(Long.class).one();
    }

    private static long addNote(Handle h, NewNote n, Instant at) {
        String meta;
        try {
            meta = JSON.writeValueAsString(n.meta());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("memory note meta is not serialisable", e);
        }
        return h.createQuery("""
                        insert into memory_notes (kind, content, meta_json, created_at)
                        values (:kind, :content, cast(:meta as jsonb), :at) returning id""")
                .bind("kind", n.kind()).bind("content", n.content()).bind("meta", meta).bind("at", at)
                .mapTo(Long.class).one();
    }
}
