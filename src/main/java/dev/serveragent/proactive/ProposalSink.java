package dev.serveragent.proactive;

import dev.serveragent.runtime.ServerAgentException;
import java.util.OptionalLong;

/**
 * Where the proactive loop sends actions it must not take itself (messaging others, spending
 * money, changing code or infrastructure): to the Master, for approval. The reactive loop
 * implements it with the OK-button approval path; until then {@link MasterProposalSink} just
 * tells the Master. Implementations must be thread-safe and must not throw for delivery problems.
 */
public interface ProposalSink {
    void propose(String plan, String reason);

    /**
     * Like {@link #propose}, for a caller that must know what became of the proposal (the MCP tool
     * {@code propose}): the id of the approval the Master answers with OK, or empty when this sink
     * has no approval path (it only told the Master). Unlike {@code propose} this throws when the
     * proposal could not be put: {@link Unreachable} when no Master can be reached, any other
     * exception for a delivery problem; nothing is left half-written either way.
     */
    default OptionalLong submit(String plan, String reason) {
        propose(plan, reason);
        return OptionalLong.empty();
    }

    /** No Master is known yet (nobody paired, the console off): a proposal has no one to go to. */
    final class Unreachable extends ServerAgentException {
        public Unreachable(String message) {
            super(message);
        }
    }
}
