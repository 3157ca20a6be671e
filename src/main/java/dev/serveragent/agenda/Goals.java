package dev.serveragent.agenda;

import dev.serveragent.store.GoalRepository;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Master's standing goals: lasting aims (e.g. "keep the backups verified") that the proactive
 * loop works toward while it has no autonomous task to finish. While one is active the loop runs,
 * paced by the day's budget; with none and no autonomous task it spends nothing. Only the Master
 * sets or drops a goal ({@code /goals add}, {@code /goals drop}, or a run of the Master's own
 * request through the tools): a question or proactive run only reads them. Thread-safe.
 */
public final class Goals {
    public static final int MAX_TEXT = 500;
    /** Active goals at most: each is in every proactive prompt. */
    public static final int MAX_ACTIVE = 20;

    /** A goal as callers see it. */
    public record Goal(long id, String text) {
        public String line() {
            return "#" + id + " " + text;
        }
    }

    private final GoalRepository repository;
    private final Clock clock;
    private final List<Runnable> onAdded = new CopyOnWriteArrayList<>();

    public Goals(GoalRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /** The active goals, oldest first (the proactive loop's prompt). */
    public List<Goal> list() {
        return repository.active(MAX_ACTIVE).stream().map(r -> new Goal(r.id(), r.text())).toList();
    }

    /**
     * Whether {@code scope}'s chat may see and set the Master's goals: a Master's private chat, the
     * console or no chat may; a group, whose members read what the agent writes there, may not.
     */
    public boolean visibleIn(Scope scope) {
        return repository.visibleTo(scope.threadId());
    }

    public boolean anyActive() {
        return repository.anyActive();
    }

    public Goal add(Scope scope, String text) {
        inPrivate(scope);
        if (!scope.startsWork()) {
            throw AgendaException.notAllowed("only the Master sets a standing goal (in person, or through a command run the"
                    + " Master approved): a goal makes the proactive loop spend tokens");
        }
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw AgendaException.invalid("the goal is empty; e.g. /goals add keep the backups verified");
        }
        if (t.length() > MAX_TEXT) {
            throw AgendaException.invalid("the goal is " + t.length() + " characters; at most " + MAX_TEXT);
        }
        if (repository.active(MAX_ACTIVE).size() >= MAX_ACTIVE) {
            throw AgendaException.invalid("there are " + MAX_ACTIVE + " standing goals already; drop one first (/goals drop ID)");
        }
        GoalRepository.Row r = repository.add(t, clock.instant());
        onAdded.forEach(Runnable::run);
        return new Goal(r.id(), r.text());
    }

    public Goal drop(Scope scope, long id) {
        if (scope.proactive()) {
            throw AgendaException.notAllowed("a proactive run cannot drop the Master's goals; tell the Master instead");
        }
        inPrivate(scope);
        GoalRepository.Row r = repository.drop(id, clock.instant())
                .orElseThrow(() -> AgendaException.notFound("no goal #" + id + " (/goals lists them)"));
        return new Goal(r.id(), r.text());
    }

    private void inPrivate(Scope scope) {
        if (!visibleIn(scope)) {
            throw AgendaException.notAllowed(GROUP);
        }
    }

    /** Why a group chat neither sees nor sets goals. */
    public static final String GROUP = "standing goals are the Master's own: see and set them in a private chat with me or in the"
            + " console, not in a group, whose members read what I write here";

    /** Called after a goal is added (the proactive loop wakes). */
    public void onAdded(Runnable listener) {
        onAdded.add(listener);
    }
}
