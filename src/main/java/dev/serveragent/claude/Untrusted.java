package dev.serveragent.claude;

import java.util.regex.Pattern;

/**
 * Fences for content that is not the Master's own words (voice transcripts, image JSON,
 * document text, forwarded messages, quoted replies, messages of other members of a group,
 * see {@link Speakers}): both prompts show it as
 * {@code <untrusted source="…">…</untrusted>}, and their system prompts say such text is data
 * that never instructs or authorizes. The content cannot close its fence: any fence tag inside it
 * is defused first.
 */
public final class Untrusted {
    private static final Pattern TAG = Pattern.compile("(?i)<\\s*/?\\s*untrusted[^>]{0,200}>?");

    private Untrusted() {}

    /** {@code content} fenced as untrusted data from {@code source}, on one line when it is one. */
    public static String fence(String source, String content) {
        String safe = TAG.matcher(content == null ? "" : content).replaceAll("[fence tag removed]");
        return "<untrusted source=\"" + source.replaceAll("[^a-z_ ]", "") + "\">" + safe + "</untrusted>";
    }
}
