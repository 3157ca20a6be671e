package dev.serveragent.web;

/** Escaping and the shared page frame of the server-rendered pages. */
public final class Html {
    private Html() {}

    /** Text safe inside HTML elements and double-quoted attributes. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A complete page: {@code body} is trusted HTML, {@code title} is escaped. */
    public static String page(String title, String head, String body) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · server-agent</title>
                <link rel="stylesheet" href="/static/app.css">%s
                </head><body>%s</body></html>""".formatted(escape(title), head, body);
    }
}
