package dev.serveragent.agenda;

import dev.serveragent.store.TaskRepository;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The service behind the tools {@code list_tasks}, {@code add_task} and {@code update_task}, and
 * the {@code /tasks} command: the tasks and projects the proactive loop and the dashboard see (one
 * list for the Master, not one per thread). A group chat is the exception: its members read what
 * the agent writes there, so a scope in a group lists and changes only the tasks made in that group
 * (the Master's private list stays private); every other scope sees the whole list. Every argument is checked before anything is written:
 * a refused request ({@link AgendaException}) leaves no row and no change. Only the Master (a
 * reactive run, or a command) marks a task {@code autonomous}: a proactive run cannot hand itself
 * work, or an idle loop could keep itself busy. Thread-safe.
 */
public final class Tasks {
    public static final Set<String> STATUSES = Set.of("todo", "in_progress", "blocked", "done", "dropped");
    public static final int MAX_TITLE = 200;
    public static final int MAX_PROJECT = 100;
    public static final int MAX_TEXT = 4000;
    public static final int MAX_PRIORITY = 100;
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /**
     * Which tasks to list.
     *
     * @param status {@code open} (the default: to do, in progress, blocked), {@code all}, or one status
     * @param project only this project's
     * @param limit at most this many (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT})
     */
    public record Query(Optional<String> status, Optional<String> project, Optional<Integer> limit) {
        public static Query open() {
            return new Query(Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** A new task; {@code status} defaults to {@code todo}, {@code priority} to 0, {@code autonomous} to false. */
    public record NewTask(String title, Optional<String> description, Optional<String> project, Optional<String> status,
            Optional<Integer> priority, Optional<String> notes, Optional<Boolean> autonomous) {
        public static NewTask titled(String title) {
            return new NewTask(title, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }
    }

    /** A change: empty fields stay as they are; at least one must be given. */
    public record Change(Optional<String> title, Optional<String> description, Optional<String> project, Optional<String> status,
            Optional<Integer> priority, Optional<String> notes, Optional<Boolean> autonomous) {
        public static Change status(String status) {
            return new Change(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(status), Optional.empty(),
                    Optional.empty(), Optional.empty());
        }
    }

    private final TaskRepository repository;
    private final Clock clock;
    private final java.util.List<Runnable> onAutonomousWork = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Tasks(TaskRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    public List<Task> list(Scope scope, Query q) {
        List<String> statuses = q.status().map(s -> s.strip().toLowerCase(Locale.ROOT)).map(s -> switch (s) {
            case "open" -> TaskRepository.OPEN;
            case "all" -> List.copyOf(STATUSES);
            default -> List.of(status(s));
        }).orElse(TaskRepository.OPEN);
        int limit = q.limit().orElse(DEFAULT_LIMIT);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw AgendaException.invalid("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        return repository.list(statuses, q.project().map(p -> bounded("project", p, MAX_PROJECT)), limit, scope.threadId()).stream()
                .map(Task::of).toList();
    }

    /** Task {@code id} in any status. */
    public Optional<Task> find(long id) {
        return repository.find(id).map(Task::of);
    }

    public Task add(Scope scope, NewTask t) {
        String title = bounded("title", t.title(), MAX_TITLE);
        if (!scope.startsWork() && t.autonomous().orElse(false)) {
            throw AgendaException.notAllowed(AUTONOMOUS_BY_MASTER);
        }
        TaskRepository.NewRow row = new TaskRepository.NewRow(t.project().map(p -> bounded("project", p, MAX_PROJECT)), title,
                optional("description", t.description()), t.status().map(Tasks::status).orElse("todo"),
                t.priority().map(Tasks::priority).orElse(0), optional("notes", t.notes()), t.autonomous().orElse(false));
        return announced(Task.of(repository.add(row, scope.threadId(), clock.instant())));
    }

    /** Whether an autonomous task is to do or in progress (the proactive loop's work; blocked waits on the Master). */
    public boolean anyAutonomousOpen() {
        return repository.anyAutonomousOpen();
    }

    /** Called after a task is added or changed that is now open autonomous work (the proactive loop wakes). */
    public void onAutonomousWork(Runnable listener) {
        onAutonomousWork.add(listener);
    }

    private Task announced(Task t) {
        if (t.autonomous() && (t.status().equals("todo") || t.status().equals("in_progress"))) {
            onAutonomousWork.forEach(Runnable::run);
        }
        return t;
    }

    public Task update(Scope scope, long id, Change c) {
        if (c.title().isEmpty() && c.description().isEmpty() && c.project().isEmpty() && c.status().isEmpty()
                && c.priority().isEmpty() && c.notes().isEmpty() && c.autonomous().isEmpty()) {
            throw AgendaException.invalid("nothing to change: give at least one of title, description, project, status,"
                    + " priority, notes, autonomous");
        }
        if (!scope.startsWork() && c.autonomous().orElse(false)) {
            throw AgendaException.notAllowed(AUTONOMOUS_BY_MASTER);
        }
        if (!repository.visibleTo(id, scope.threadId())) {
            throw AgendaException.notFound("no task #" + id + " in this chat");
        }
        if (scope.proactive()) {
            keepsItsMandate(id, c);
        }
        TaskRepository.Change change = new TaskRepository.Change(c.project().map(p -> bounded("project", p, MAX_PROJECT)),
                c.title().map(t -> bounded("title", t, MAX_TITLE)), optional("description", c.description()),
                c.status().map(Tasks::status), c.priority().map(Tasks::priority), optional("notes", c.notes()), c.autonomous());
        return repository.update(id, change, clock.instant()).map(Task::of).map(this::announced)
                .orElseThrow(() -> AgendaException.notFound("no task #" + id));
    }

    private static final String AUTONOMOUS_BY_MASTER = "only the Master marks a task autonomous (in person, or through a"
            + " command run the Master approved): this run cannot give the proactive loop work";

    /**
     * A proactive run moves its tasks along (todo, in progress, done or blocked, notes, priority) but
     * cannot widen or revive its own mandate: no new title or description, and a task the Master
     * dropped, or that is done or waits on the Master, stays so.
     */
    private void keepsItsMandate(long id, Change c) {
        if (c.title().isPresent() || c.description().isPresent()) {
            throw AgendaException.notAllowed("a proactive run cannot reword a task; put what it found in notes");
        }
        if (c.status().isPresent()) {
            String from = repository.find(id).orElseThrow(() -> AgendaException.notFound("no task #" + id)).status();
            String to = status(c.status().get());
            if (!from.equals(to) && (from.equals("done") || from.equals("dropped") || from.equals("blocked"))) {
                throw AgendaException.notAllowed("task #" + id + " is " + from + ": only the Master moves it on from there");
            }
        }
    }

    private static String status(String s) {
        String v = s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
        if (!STATUSES.contains(v)) {
            throw AgendaException.invalid("status must be one of todo, in_progress, blocked, done, dropped; got '" + s + "'");
        }
        return v;
    }

    private static int priority(int p) {
        if (p < -MAX_PRIORITY || p > MAX_PRIORITY) {
            throw AgendaException.invalid("priority must be between " + -MAX_PRIORITY + " and " + MAX_PRIORITY + ", got " + p);
        }
        return p;
    }

    private static String bounded(String name, String value, int max) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw AgendaException.invalid(name + " is empty");
        }
        if (v.length() > max) {
            throw AgendaException.invalid(name + " is " + v.length() + " characters; at most " + max);
        }
        return v;
    }

    private static Optional<String> optional(String name, Optional<String> value) {
        return value.map(v -> bounded(name, v, MAX_TEXT));
    }
}
