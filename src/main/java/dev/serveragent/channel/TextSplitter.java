package dev.serveragent.channel;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text into parts Telegram accepts (its limit is 4096 characters per message) at the
 * best boundary within the limit: paragraph, then line, then sentence, then word. A "word" longer
 * than the limit (a pasted hash or URL) is the one case cut mid-way, never between the halves of
 * a surrogate pair.
 */
public final class TextSplitter {
    /** Below Telegram's 4096, leaving room for how clients count some characters. */
    public static final int MAX_PART = 4000;

    private TextSplitter() {}

    public static List<String> split(String text) {
        return split(text, MAX_PART);
    }

    static List<String> split(String text, int max) {
        List<String> parts = new ArrayList<>();
        String rest = text.strip();
        while (rest.length() > max) {
            int cut = cutPoint(rest, max);
            String part = rest.substring(0, cut).stripTrailing();
            if (!part.isEmpty()) {
                parts.add(part);
            }
            rest = rest.substring(cut).stripLeading();
        }
        if (!rest.isEmpty() || parts.isEmpty()) {
            parts.add(rest);
        }
        return parts;
    }

    private static int cutPoint(String s, int max) {
        String window = s.substring(0, max + 1); // a boundary right after the limit still counts
        int half = max / 2;
        int p = window.lastIndexOf("\n\n", max);
        if (p >= half) {
            return p + 2;
        }
        p = window.lastIndexOf('\n', max);
        if (p >= half) {
            return p + 1;
        }
        for (int i = max; i >= half; i--) {
            char c = window.charAt(i - 1);
            if ((c == '.' || c == '!' || c == '?' || c == '…') && i < window.length() && Character.isWhitespace(window.charAt(i))) {
                return i;
            }
        }
        for (int i = max; i > 0; i--) {
            if (Character.isWhitespace(window.charAt(i))) {
                return i;
            }
        }
        return Character.isLowSurrogate(s.charAt(max)) ? max - 1 : max;
    }
}
