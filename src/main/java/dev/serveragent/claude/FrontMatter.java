package dev.serveragent.claude;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The YAML front matter of a Claude Code markdown file (agent, command, skill), read just far
 * enough for the tooling index: top-level {@code key: value} pairs, quoted values, and
 * {@code |} / {@code >} block values folded onto one line. Anything else is ignored.
 */
final class FrontMatter {
    private FrontMatter() {}

    record Parsed(Map<String, String> fields, String body) {}

    static Parsed parse(String content) {
        List<String> lines = content.replace("\r\n", "\n").lines().toList();
        Map<String, String> fields = new HashMap<>();
        if (lines.isEmpty() || !lines.get(0).strip().equals("---")) {
            return new Parsed(fields, content);
        }
        int i = 1;
        String blockKey = null;
        StringBuilder block = new StringBuilder();
        for (; i < lines.size() && !lines.get(i).strip().equals("---"); i++) {
            String line = lines.get(i);
            if (blockKey != null && (line.startsWith(" ") || line.startsWith("\t") || line.isBlank())) {
                block.append(' ').append(line.strip());
                continue;
            }
            if (blockKey != null) {
                fields.put(blockKey, block.toString().strip());
                blockKey = null;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || Character.isWhitespace(line.charAt(0))) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (value.equals("|") || value.equals(">") || value.equals("|-") || value.equals(">-")) {
                blockKey = key;
                block.setLength(0);
            } else {
                fields.put(key, unquote(value));
            }
        }
        if (blockKey != null) {
            fields.put(blockKey, block.toString().strip());
        }
        String body = i + 1 < lines.size() ? String.join("\n", lines.subList(i + 1, lines.size())) : "";
        return new Parsed(fields, body);
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && ((v.startsWith("\"") && v.endsWith("\"")) || (v.startsWith("'") && v.endsWith("'")))) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** The first line of the body that is text (not blank, not a heading), for files without a description. */
    static String firstTextLine(String body) {
        return body.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst().orElse("");
    }
}
