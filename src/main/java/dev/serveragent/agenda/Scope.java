package dev.serveragent.agenda;

/**
 * Who is asking: the thread a run (or a command) belongs to, and the kind of run. A reactive scope
 * (the Master's own command, a command run the Master's OK allowed, a scheduled task) acts for the
 * Master in its own thread. A question run (read-only tools, no OK needed) may keep the agenda and
 * set reminders, but starts no work that runs later without the Master: no scheduled task, no task
 * marked autonomous (text it read could have asked for them). A proactive run acts on its own
 * initiative and so may read the agenda and move its own tasks along, but not schedule, cancel,
 * reopen, reword or mark work for itself.
 */
public record Scope(long threadId, Mode mode) {
    public enum Mode { REACTIVE, QUESTION, PROACTIVE }

    public static Scope reactive(long threadId) {
        return new Scope(threadId, Mode.REACTIVE);
    }

    /** No chat: the Master acting from the dashboard on tasks, which belong to no chat (a schedule is acted on in its own chat's scope). */
    public static final long NO_THREAD = 0;

    /** The Master in person outside any chat (the agenda page): reactive, for tasks only. */
    public static Scope master() {
        return new Scope(NO_THREAD, Mode.REACTIVE);
    }

    public static Scope question(long threadId) {
        return new Scope(threadId, Mode.QUESTION);
    }

    /** May start work that later runs with no OK of its own (a scheduled task, an autonomous task). */
    boolean startsWork() {
        return mode == Mode.REACTIVE;
    }

    public static Scope proactive(long threadId) {
        return new Scope(threadId, Mode.PROACTIVE);
    }

    boolean proactive() {
        return mode == Mode.PROACTIVE;
    }
}
