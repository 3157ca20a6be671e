package dev.serveragent.claude;

import java.util.Locale;

/**
 * How both prompts (the classifier's and Claude Code's) name who wrote a message. The Master's
 * messages are {@code Master}, the agent's {@code Agent}; a message written by anyone else (another
 * member of a group chat, a channel posting as the group) is named {@code Member <name> (user <id>)}
 * and its text is fenced as {@code <untrusted source="chat member">}, exactly like a forward: it is
 * data, never an instruction or the Master's approval. Stateless.
 */
public final class Speakers {
    /** The fence source of a message written by someone who is not a Master. */
    public static final String MEMBER_SOURCE = "chat member";
    private static final int MAX_NAME_CHARS = 40;

    private Speakers() {}

    /** The speaker of a message of {@code role} that a Master wrote (or the agent, or the system). */
    public static String of(String role) {
        return switch (role.toLowerCase(Locale.ROOT)) {
            case "user" -> "Master";
            case "assistant" -> "Agent";
            case "system" -> "System";
            default -> role;
        };
    }

    /**
     * The label of a non-Master author: {@code Member Bob (user 42)}. The name is the sender's own
     * choice, so it keeps only letters, digits and a few separators (no newline, no colon, no
     * fence) and is bounded; the user id is what identifies the author.
     */
    public static String member(Long userId, String name) {
        String clean = name == null ? "" : name.replaceAll("[^\\p{L}\\p{N} ._@-]", "").replaceAll("\\s+", " ").strip();
        if (clean.length() > MAX_NAME_CHARS) {
            clean = clean.substring(0, MAX_NAME_CHARS).strip();
        }
        String who = userId == null ? "no user id" : "user " + userId;
        return "Member " + (clean.isEmpty() ? "" : clean + " ") + "(" + who + ")";
    }
}
