package dev.serveragent.proactive;

/**
 * Whether the proactive loop has work: the agenda's open tasks the Master marked autonomous
 * ({@code tasks.autonomous}, status to do or in progress) or the Master's standing goals
 * ({@code /goals}). With neither, the loop runs no cycle and spends nothing. Must be cheap (indexed
 * queries): it is asked at every step of the loop.
 */
@FunctionalInterface
public interface ProactiveWork {
    boolean any();

    /** The first-run notice: what the loop does, how to give it work and how to pause it. */
    static String notice(long dailyTokenBudget) {
        return "The proactive loop is on: it works alone on tasks you mark autonomous and toward your standing goals, within "
                + dailyTokenBudget + " tokens per UTC day, and spends nothing while it has none. Give it work with /tasks add"
                + " TITLE, then /tasks auto ID (or ask me in plain words to add an autonomous task), or set a standing goal with"
                + " /goals add TEXT; /tasks manual ID and /goals drop ID take work back. /pause stops it (or Pause on the"
                + " dashboard), /resume restarts it, /budget shows what it spent.";
    }
}
