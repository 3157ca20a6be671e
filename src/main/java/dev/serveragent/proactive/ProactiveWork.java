package dev.serveragent.proactive;

/**
 * Whether the proactive loop has work: the agenda's open tasks the Master marked autonomous
 * ({@code tasks.autonomous}, status to do or in progress). With none, the loop runs no cycle and
 * spends nothing. There is no separate "standing goals" concept in memory; a standing goal is an
 * autonomous task. Must be cheap (one indexed query): it is asked at every step of the loop.
 */
@FunctionalInterface
public interface ProactiveWork {
    boolean any();

    /** The first-run notice: what the loop does, how to give it work and how to pause it. */
    static String notice(long dailyTokenBudget) {
        return "The proactive loop is on: it works alone on tasks you mark autonomous, within " + dailyTokenBudget
                + " tokens per UTC day, and spends nothing while it has none. Give it work with /tasks add TITLE, then"
                + " /tasks auto ID (or ask me in plain words to add an autonomous task); /tasks manual ID takes it back."
                + " /pause stops it, /resume restarts it, /budget shows what it spent.";
    }
}
