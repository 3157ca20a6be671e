package dev.serveragent.agenda;

/**
 * Who is asking: the thread a run (or a command) belongs to, and the kind of run. A reactive run
 * (a question, a command, a scheduled task) acts for the Master in its own thread; a proactive run
 * acts on its own initiative and so may read the agenda and keep tasks, but not schedule, cancel
 * or mark work for itself.
 */
public record Scope(long threadId, Mode mode) {
    public enum Mode { REACTIVE, PROACTIVE }

    public static Scope reactive(long threadId) {
        return new Scope(threadId, Mode.REACTIVE);
    }

    public static Scope proactive(long threadId) {
        return new Scope(threadId, Mode.PROACTIVE);
    }

    boolean proactive() {
        return mode == Mode.PROACTIVE;
    }
}
