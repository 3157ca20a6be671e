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
}
