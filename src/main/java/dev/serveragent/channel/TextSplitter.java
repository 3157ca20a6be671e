package dev.serveragent.channel;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text into parts Telegram accepts (its limit is 4096 characters per message) at the
 * best boundary within the limit: paragraph, then line, then sentence, then word. A "word" longer
 * than the limit (a pasted hash or URL) is the one case cut mid-way, and then between two
 * grapheme clusters (never inside a surrogate pair or an emoji sequence). A {@link RichText} is
 * cut the same way; an entity the cut falls in is cut in two, each part keeping its share (a pre
 * block is closed at the end of one part and reopened, with its language, at the start of the
 * next), and each part's offsets start at its own beginning. Lengths count UTF-16 code units.
 */
public final class TextSplitter {
    /** Below Telegram's 4096, leaving room for how clients count some characters. */
    public static final int MAX_PART = 4000;
    /** Longer than any emoji sequence (a family with skin tones is 19 UTF-16 units). */
    private static final int LOOKAHEAD = 64;

    private TextSplitter() {}

    public static List<String> split(String text) {
        return split(text, MAX_PART);
    }

    static List<String> split(String text, int max) {
        return split(RichText.plain(text), max).stream().map(RichText::text).toList();
    }

    public static List<RichText> split(RichText text) {
        return split(text, MAX_PART);
    }

    static List<RichText> split(RichText text, int max) {
        RichText rich = text.strip();
        String s = rich.text();
        int pos = 0;
        int end = s.length();
        List<RichText> parts = new ArrayList<>();
        while (end - pos > max) {
            // The window reaches past the limit: a boundary right after it still counts, and the
            // grapheme rules need to see how the character at the limit goes on.
            int cut = pos + cutPoint(s.substring(pos, Math.min(end, pos + max + LOOKAHEAD)), max);
            int partEnd = cut;
            while (partEnd > pos && Character.isWhitespace(s.charAt(partEnd - 1))) {
                partEnd--;
            }
            if (partEnd > pos) {
                parts.add(rich.slice(pos, partEnd));
            }
            pos = cut;
            // Inside a code block only the line break goes: the next line's indentation is code.
            boolean code = rich.insidePre(pos);
            while (pos < end && (code ? s.charAt(pos) == '\n' || s.charAt(pos) == '\r' : Character.isWhitespace(s.charAt(pos)))) {
                pos++;
            }
        }
        if (pos < end || parts.isEmpty()) {
            parts.add(rich.slice(pos, end));
        }
        return parts;
    }

    /** Where to cut {@code window} (longer than {@code max}): a length in (0, max]. */
    private static int cutPoint(String window, int max) {
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
            if ((c == '.' || c == '!' || c == '?' || c == '…') && Character.isWhitespace(window.charAt(i))) {
                return i;
            }
        }
        for (int i = max; i > 0; i--) {
            if (Character.isWhitespace(window.charAt(i))) {
                return i;
            }
        }
        BreakIterator graphemes = BreakIterator.getCharacterInstance();
        graphemes.setText(window);
        int b = graphemes.isBoundary(max) ? max : graphemes.preceding(max);
        if (b > 0) {
            return b;
        }
        return Character.isLowSurrogate(window.charAt(max)) ? max - 1 : max;
    }
}
