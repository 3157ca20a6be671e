package dev.serveragent.reactive;

import dev.serveragent.store.ContextRepository.Message;
import java.util.List;

/** Turns a message in its context into a {@link Classification}. Never throws: failures give the fallback. */
public interface Classifier {
    /**
     * @param context the thread's last messages, oldest first, ending with the trigger
     * @param trigger the message to classify (also the last element of {@code context})
     * @param channel how the Master writes and reads ("Telegram", "the browser console")
     */
    Classification classify(List<Message> context, Message trigger, String channel);

    /** Which provider its usage is charged to in the ledger. */
    String provider();

    /**
     * When no model can be called at all: what is missing and the line that fixes it, told to the
     * Master in the conversation instead of an acknowledgement.
     */
    default java.util.Optional<String> missing() {
        return java.util.Optional.empty();
    }

    /**
     * No model to ask: {@link #missing()} says so, with {@code fix}; a caller that classifies
     * anyway gets the safe fallback (acknowledged, waits for OK).
     */
    static Classifier unavailable(String reason, String fix) {
        return new Classifier() {
            @Override
            public java.util.Optional<String> missing() {
                return java.util.Optional.of(fix);
            }

            @Override
            public Classification classify(List<Message> context, Message trigger, String channel) {
                return Classification.fallback(reason, dev.serveragent.claude.Usage.ZERO);
            }

            @Override
            public String provider() {
                return "other";
            }
        };
    }
}
