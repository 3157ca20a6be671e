package dev.serveragent.reactive;

import dev.serveragent.claude.Usage;
import dev.serveragent.store.JobMode;
import java.util.Optional;
import java.util.Set;

/**
 * What the classifier understood of a message. Validated on construction: a model's answer that
 * does not fit is rejected, never half-used.
 *
 * @param fallbackReason present when no model answered and this is the safe fallback
 */
public record Classification(String intent, String summary, String plan, boolean needsConfirmation,
        double confidence, Usage usage, Optional<String> fallbackReason) {
    public static final Set<String> INTENTS = Set.of("question", "command", "other");
    static final int MAX_FIELD = 600;

    public Classification {
        if (!INTENTS.contains(intent)) {
            throw new IllegalArgumentException("intent must be question|command|other, was: " + intent);
        }
        if (summary == null || summary.isBlank() || plan == null || plan.isBlank()) {
            throw new IllegalArgumentException("summary and plan must be non-blank");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be within [0, 1], was: " + confidence);
        }
        summary = clip(summary.strip());
        plan = clip(plan.strip());
    }

    /** The safe answer when the classifier cannot be asked: understood nothing, ask before acting. */
    public static Classification fallback(String reason, Usage spent) {
        return new Classification("other", "your message (the classifier was unavailable)",
                "look at it with Claude Code once you press OK", true, 0, spent, Optional.of(reason));
    }

    /** The mode the job runs in after acknowledgement. */
    public JobMode nextMode() {
        return intent.equals("command") ? JobMode.EXECUTE : JobMode.ANSWER;
    }

    private static String clip(String s) {
        return s.length() <= MAX_FIELD ? s : s.substring(0, MAX_FIELD - 1) + "…";
    }
}
