package dev.serveragent.reactive;

/** What the Master's /pause, /resume and /budget reach in the proactive loop. */
public interface ProactiveControl {
    void pause();

    void resume();

    /** A few lines: today's proactive spend, what is left, paused or not, next wake-up. */
    String budgetReport();

    ProactiveControl NONE = new ProactiveControl() {
        @Override
        public void pause() {}

        @Override
        public void resume() {}

        @Override
        public String budgetReport() {
            return "The proactive loop is not running (PROACTIVE_ENABLED is off or Claude Code is not configured).";
        }
    };
}
