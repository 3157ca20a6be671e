package dev.serveragent.agenda;

import dev.serveragent.store.TaskRepository;
import java.time.Instant;
import java.util.Optional;

/**
 * A task as callers see it: the proactive loop's and the dashboard's task.
 *
 * @param status {@code todo}, {@code in_progress}, {@code blocked}, {@code done} or {@code dropped}
 * @param autonomous the Master marked it for the proactive loop to work on alone
 */
public record Task(long id, Optional<String> project, String title, Optional<String> description, String status, int priority,
        Optional<String> notes, boolean autonomous, Instant updatedAt) {
    static Task of(TaskRepository.Row r) {
        return new Task(r.id(), r.project(), r.title(), r.description(), r.status(), r.priority(), r.notes(), r.autonomous(),
                r.updatedAt());
    }

    /** One line for a listing: "#7 [in_progress] Renew the TLS certificate (project infra, priority 2, autonomous)". */
    public String line() {
        StringBuilder b = new StringBuilder("#").append(id).append(" [").append(status).append("] ").append(title);
        StringBuilder extra = new StringBuilder();
        project.ifPresent(p -> extra.append("project ").append(p));
        if (priority != 0) {
            extra.append(extra.isEmpty() ? "" : ", ").append("priority ").append(priority);
        }
        if (autonomous) {
            extra.append(extra.isEmpty() ? "" : ", ").append("autonomous");
        }
        return extra.isEmpty() ? b.toString() : b.append(" (").append(extra).append(')').toString();
    }
}
