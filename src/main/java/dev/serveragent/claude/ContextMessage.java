package dev.serveragent.claude;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One message of the conversation as the prompt pack shows it.
 *
 * @param role {@code user}, {@code assistant} or {@code system} (as in {@code chat_messages.role})
 * @param text the message text; null is shown as empty
 * @param at when it was sent
 * @param artifacts derived artifacts (voice transcript, image JSON, ...)
 * @param forwarded the text is someone else's message that the Master forwarded
 * @param quoted the text of the message it replies to or quotes, or null
 * @param member null when a Master wrote it (or the agent); else who did, as {@link Speakers#member}
 *     names them: the text is then not the Master's words and is fenced
 */
public record ContextMessage(String role, String text, Instant at, List<ContextArtifact> artifacts, boolean forwarded, String quoted,
                             String member) {
    public ContextMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(at, "at");
        text = text == null ? "" : text;
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
    }

    /** A message of a Master (or the agent). */
    public ContextMessage(String role, String text, Instant at, List<ContextArtifact> artifacts, boolean forwarded, String quoted) {
        this(role, text, at, artifacts, forwarded, quoted, null);
    }

    public ContextMessage(String role, String text, Instant at) {
        this(role, text, at, List.of());
    }

    public ContextMessage(String role, String text, Instant at, List<ContextArtifact> artifacts) {
        this(role, text, at, artifacts, false, null);
    }
}
