package dev.serveragent.proactive;

/**
 * Where the proactive loop sends actions it must not take itself (messaging others, spending
 * money, changing code or infrastructure): to the Master, for approval. The reactive loop
 * implements it with the OK-button approval path; until then {@link MasterProposalSink} just
 * tells the Master. Implementations must be thread-safe and must not throw for delivery problems.
 */
public interface ProposalSink {
    void propose(String plan, String reason);
}
