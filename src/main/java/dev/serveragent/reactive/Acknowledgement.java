package dev.serveragent.reactive;

/** The one-message acknowledgement: "Understood: … Will: …", at most 1000 characters. */
final class Acknowledgement {
    static final int MAX_CHARS = 1000;
    static final String BUTTON = "OK";
    private static final String CALLBACK_PREFIX = "ok:";

    private Acknowledgement() {}

    /** {@code s} within {@link #MAX_CHARS}. */
    static String clip(String s) {
        return clip(s, MAX_CHARS);
    }

    static String text(Classification c) {
        String understood = "Understood: " + c.summary();
        String will = " Will: " + c.plan();
        if (understood.length() + will.length() <= MAX_CHARS) {
            return understood + will;
        }
        // Keep both halves visible: each gets its share of the limit.
        int half = MAX_CHARS / 2;
        return clip(understood, half) + clip(will, MAX_CHARS - half);
    }

    /** Callback data naming the approval; well under the 64 bytes a button may carry ({@code StoredOutbox}). */
    static String callbackData(long approvalId) {
        return CALLBACK_PREFIX + approvalId;
    }

    /** The approval id named by callback data, or -1 when the data is not ours. */
    static long approvalId(String data) {
        if (data == null || !data.startsWith(CALLBACK_PREFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(data.substring(CALLBACK_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int cut = s.lastIndexOf(' ', max - 1);
        return s.substring(0, cut > max / 2 ? cut : max - 1) + "…";
    }
}
