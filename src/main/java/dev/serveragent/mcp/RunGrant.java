package dev.serveragent.mcp;

import dev.serveragent.claude.ClaudeRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * What one Claude Code run may do through the agent's tools: its conversation ({@code threadId},
 * empty for a proactive run), its mode and its working directory. Found by the run's bearer
 * credential, which is never stored here in the clear elsewhere than the grant table's key.
 */
public record RunGrant(OptionalLong threadId, ClaudeRequest.Mode mode, Path workdir, Instant issuedAt) {
    /** The mode's name as stored with what the run wrote (e.g. a note's meta). */
    public String modeName() {
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The run's own thread, for a tool that acts on a conversation. */
    public long requireThread(String tool) {
        if (threadId.isEmpty()) {
            throw new ToolException(tool + " needs a conversation, and this " + modeName()
                    + " run has none: a proactive run reaches the Master only by notifying or proposing");
        }
        return threadId.getAsLong();
    }
}
