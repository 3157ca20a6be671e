package dev.serveragent.admin;

import dev.serveragent.web.Html;
import dev.serveragent.web.WebAccess;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The dashboard's page frame (navigation, logout form with its CSRF token) and formatting helpers. */
final class AdminPage {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    static final String[][] NAV = {
            {"/admin", "Overview"}, {"/admin/conversations", "Conversations"}, {"/admin/jobs", "Jobs"},
            {"/admin/approvals", "Approvals"}, {"/admin/agenda", "Agenda"}, {"/admin/runs", "Claude Code runs"},
            {"/admin/deployments", "Deployments"}};

    private AdminPage() {}

    static String frame(String title, String csrf, String body) {
        StringBuilder nav = new StringBuilder();
        for (String[] n : NAV) {
            nav.append("<a href=\"").append(n[0]).append("\"").append(n[1].equals(title) ? " class=\"here\"" : "")
                    .append(">").append(n[1]).append("</a>");
        }
        String bar = """
                <header class="bar"><h1>server-agent · dashboard</h1><nav class="admin">%s<a href="/console">Console</a>
                <form method="post" action="/logout"><input type="hidden" name="%s" value="%s"><button class="link">Log out</button></form>
                </nav></header><main class="admin"><h2>%s</h2>%s</main>""".formatted(
                nav, WebAccess.CSRF_FIELD, Html.escape(csrf), Html.escape(title), body);
        return Html.page(title, "\n<link rel=\"stylesheet\" href=\"/admin/static/admin.css\">", bar);
    }

    static String time(Instant t) {
        return t == null ? "" : "<time datetime=\"" + t + "\">" + TIME.format(t) + "</time>";
    }

    static String esc(Object o) {
        return o == null ? "" : Html.escape(o.toString());
    }

    static String seconds(Instant from, Instant to) {
        if (from == null || to == null) {
            return "";
        }
        return String.format(Locale.ROOT, "%.1f s", java.time.Duration.between(from, to).toMillis() / 1000.0);
    }

    static String num(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** The first {@code max} characters of {@code s}, escaped. */
    static String snippet(String s, int max) {
        if (s == null) {
            return "";
        }
        return Html.escape(s.length() <= max ? s : s.substring(0, max) + "…");
    }

    /** A "next page" link when the page was full. */
    static String more(String path, String extraQuery, int shown, int limit, Object lastKey) {
        if (shown < limit || lastKey == null) {
            return "";
        }
        return "<p><a class=\"more\" href=\"" + path + "?before=" + esc(lastKey) + extraQuery + "\">Older →</a></p>";
    }

    static String status(String s) {
        return "<span class=\"status s-" + esc(s) + "\">" + esc(s) + "</span>";
    }
}
