package dev.serveragent.mcp;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How tool results show times and long texts. */
final class Format {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

    private Format() {}

    /** {@code text} on one line, cut at {@code max} characters, saying so. */
    static String oneLine(String text, int max) {
        String t = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return t.length() <= max ? t : t.substring(0, max) + " … (" + (t.length() - max) + " more characters)";
    }
}
