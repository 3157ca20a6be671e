package dev.serveragent.admin;

import dev.serveragent.proactive.ProactiveStatus;

/** Why the proactive loop does not run in this process, and what starts it, in the dashboard's words. */
final class ProactiveOff {
    private ProactiveOff() {}

    static String reason(ProactiveStatus st) {
        return st.enabled()
                ? "enabled, but no scheduler runs in this process (it is starting or has stopped; see the log)"
                : "disabled: PROACTIVE_ENABLED is false (it defaults to true only when Claude Code is configured)";
    }

    static String howToStart(ProactiveStatus st) {
        return st.enabled()
                ? "Restart the agent if this lasts."
                : "To run it, configure Claude Code (CLAUDE_CODE_OAUTH_TOKEN, ANTHROPIC_API_KEY or the CLI's own login) "
                        + "or set PROACTIVE_ENABLED=true in .env, then restart.";
    }
}
