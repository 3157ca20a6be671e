package dev.serveragent.admin;

import static dev.serveragent.admin.AdminPage.esc;
import static dev.serveragent.admin.AdminPage.snippet;
import static dev.serveragent.admin.AdminPage.time;

import dev.serveragent.store.DashboardRepository.Artifact;
import dev.serveragent.store.DashboardRepository.Message;
import dev.serveragent.store.DashboardRepository.Thread;
import dev.serveragent.store.SearchRepository.Hit;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Conversations pages: threads by last activity, message search, one thread with its messages' artifacts. */
final class ConversationPages {
    /** Messages with their artifacts by message id. */
    record Listed(List<Message> messages, Map<Long, List<Artifact>> artifacts) {}

    private ConversationPages() {}

    static String threads(List<Thread> threads) {
        StringBuilder b = new StringBuilder(searchForm(""));
        b.append("<table class=\"list\" id=\"threads\"><tr><th>thread</th><th>channel</th><th>chat</th><th>last activity</th><th>last message</th></tr>");
        if (threads.isEmpty()) {
            b.append("<tr class=\"empty\"><td colspan=\"5\">No conversations yet: write to the bot on Telegram, or open the console (/console).</td></tr>");
        }
        for (Thread t : threads) {
            b.append("<tr><td><a href=\"/admin/conversations/").append(t.id()).append("\">").append(t.title() == null ? "#" + t.id() : esc(t.title()))
                    .append("</a></td><td>").append(esc(t.platform())).append("</td><td>").append(t.chatId()).append("</td><td>")
                    .append(time(t.updatedAt())).append("</td><td>").append(snippet(t.lastText(), 120)).append("</td></tr>");
        }
        b.append("</table>");
        return b.append(AdminPage.more("/admin/conversations", "", threads.size(), DashboardRoutes.PAGE,
                threads.isEmpty() ? null : threads.getLast().updatedAt())).toString();
    }

    /**
     * A page of the search: the matching messages newest first, each with what matched (its text,
     * or an artifact such as a transcript) as the search's snippet, «matched words» marked.
     */
    static String search(String q, Listed found, List<Hit> hits, Optional<Long> olderBefore) {
        StringBuilder b = new StringBuilder(searchForm(q));
        b.append("<p class=\"hint\">Messages matching <b>").append(esc(q))
                .append("</b> by their text or an artifact (transcript, description, document), newest first: the same search as the agent's search_memory.</p>");
        Map<Long, List<Hit>> byMessage = new java.util.HashMap<>();
        hits.forEach(h -> byMessage.computeIfAbsent(h.messageId().orElse(-1), k -> new java.util.ArrayList<>()).add(h));
        messages(b, found, true, null, byMessage);
        olderBefore.ifPresent(older -> b.append("<p><a class=\"more\" href=\"/admin/conversations?before=").append(older).append("&q=")
                .append(esc(URLEncoder.encode(q, StandardCharsets.UTF_8))).append("\">Older →</a></p>"));
        return b.toString();
    }

    /** One thread; {@code csrf} signs its "Send again" forms. */
    static String thread(Thread t, Listed page, String csrf) {
        StringBuilder b = new StringBuilder("<p>").append(esc(t.platform())).append(" chat ").append(t.chatId())
                .append(t.title() == null ? "" : " · " + esc(t.title())).append(" · <a href=\"/admin/conversations\">all conversations</a></p>");
        messages(b, page, false, csrf, Map.of());
        return b.append(AdminPage.more("/admin/conversations/" + t.id(), "", page.messages().size(), DashboardRoutes.PAGE,
                page.messages().isEmpty() ? null : page.messages().getLast().id())).toString();
    }

    private static void messages(StringBuilder b, Listed page, boolean linkThread, String csrf, Map<Long, List<Hit>> hits) {
        b.append("<table class=\"list\" id=\"messages\"><tr><th>at</th><th>role</th><th>message</th><th>sent</th></tr>");
        for (Message m : page.messages()) {
            b.append("<tr class=\"message\" id=\"m").append(m.id()).append("\"><td>").append(time(m.createdAt()));
            if (linkThread) {
                b.append("<br><a href=\"/admin/conversations/").append(m.threadId()).append("\">thread #").append(m.threadId()).append("</a>");
            }
            b.append("</td><td>").append(esc(m.role())).append(m.kind().equals("text") ? "" : " · " + esc(m.kind()))
                    .append("</td><td>");
            for (Hit h : hits.getOrDefault(m.id(), List.of())) { // what the search matched, its words marked
                b.append("<div class=\"hit\" data-source=\"").append(esc(h.source())).append("\">")
                        .append(h.source().equals("artifact") ? "<b>" + esc(h.kind().orElse("artifact")) + "</b> " : "")
                        .append(esc(h.snippet()).replace("«", "<mark>").replace("»", "</mark>")).append("</div>");
            }
            b.append("<div class=\"text\">").append(snippet(m.text(), 4000)).append("</div>");
            for (Artifact a : page.artifacts().getOrDefault(m.id(), List.of())) {
                b.append("<div class=\"artifact\" data-kind=\"").append(esc(a.kind())).append("\"><b>").append(esc(a.kind())).append("</b> ")
                        .append(AdminPage.status(a.status()));
                if (a.uri() != null) {
                    b.append(" <code>").append(esc(a.uri())).append("</code>");
                }
                if (a.error() != null) {
                    b.append(" <span class=\"error\">").append(esc(a.error())).append("</span>");
                }
                if (a.contentJson() != null) {
                    b.append("<pre>").append(snippet(a.contentJson(), 2000)).append("</pre>");
                }
                b.append("</div>");
            }
            b.append("</td><td>").append(m.sendStatus() == null ? "" : AdminPage.status(m.sendStatus()) + " " + time(m.sentAt()));
            if ("uncertain".equals(m.sendStatus()) && csrf != null) {
                sendAgainForm(b, m, csrf);
            }
            b.append("</td></tr>");
        }
        b.append("</table>");
    }

    /** Telegram may or may not have shown this reply: offer to send it again (admin/SendAgainRoutes). */
    private static void sendAgainForm(StringBuilder b, Message m, String csrf) {
        b.append("<form class=\"inline send-again\" method=\"post\" action=\"/admin/messages/").append(m.id())
                .append("/send-again\"><input type=\"hidden\" name=\"").append(dev.serveragent.web.WebAccess.CSRF_FIELD)
                .append("\" value=\"").append(esc(csrf)).append("\"><input type=\"hidden\" name=\"thread\" value=\"")
                .append(m.threadId()).append("\"><button title=\"Telegram may not have shown it\">Send again</button></form>");
    }

    private static String searchForm(String q) {
        return "<form class=\"search\" method=\"get\" action=\"/admin/conversations\"><input type=\"search\" name=\"q\" value=\""
                + esc(q) + "\" placeholder=\"search messages (words, \\\"phrases\\\", -not)\"> <button>Search</button></form>";
    }
}
