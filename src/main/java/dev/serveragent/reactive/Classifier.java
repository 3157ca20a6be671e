package dev.serveragent.reactive;

import dev.serveragent.store.ContextRepository.Message;
import java.util.List;

/** Turns a message in its context into a {@link Classification}. Never throws: failures give the fallback. */
public interface Classifier {
    /**
     * @param context the thread's last messages, oldest first, ending with the trigger
     * @param trigger the message to classify (also the last element of {@code context})
     */
    Classification classify(List<Message> context, Message trigger);

    /** Which provider its usage is charged to in the ledger. */
    String provider();

    /** No model to ask: every message gets the safe fallback (acknowledged, waits for OK), with the reason. */
    static Classifier unavailable(String reason) {
        return new Classifier() {
            @Override
            public Classification classify(List<Message> context, Message trigger) {
                return Classification.fallback(reason, dev.serveragent.claude.Usage.ZERO);
            }

            @Override
            public String provider() {
                return "other";
            }
        };
    }
}
