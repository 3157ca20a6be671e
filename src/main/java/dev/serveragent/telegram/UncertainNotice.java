package dev.serveragent.telegram;

/**
 * What the Master reads when a reply ended {@code uncertain}: Telegram may or may not have it,
 * so it was not sent again by itself (that could show it twice); the console and the dashboard
 * offer to send it again.
 */
final class UncertainNotice {
    static final int QUOTE_CHARS = 80;

    private UncertainNotice() {}

    static String about(String reply) {
        String flat = reply == null ? "" : reply.strip().replaceAll("\\s+", " ");
        String quote = flat.length() > QUOTE_CHARS ? flat.substring(0, QUOTE_CHARS) + "…" : flat;
        return "A reply of mine may be missing here: I could not confirm that Telegram received it (\"" + quote
                + "\"). If you do not see it above, use \"Send again\" in the console or on the dashboard.";
    }
}
