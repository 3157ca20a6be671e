package dev.serveragent.proactive;

/**
 * The default {@link ProposalSink}: tells the Master about the proposal in plain text, without an
 * OK button (the reactive loop's approval path replaces it).
 */
public final class MasterProposalSink implements ProposalSink {
    private final MasterChannel master;

    public MasterProposalSink(MasterChannel master) {
        this.master = master;
    }

    @Override
    public void propose(String plan, String reason) {
        master.send("Proactive proposal (not done; reply if you want it):\n" + plan
                + (reason.isBlank() ? "" : "\nWhy: " + reason));
    }
}
