package dev.serveragent.console;

import dev.serveragent.web.Html;
import dev.serveragent.web.Static;

/** The console's one page: a frame that {@code console.js} fills from the history and the live feed. */
final class ConsolePage {
    private static final String SCRIPT = Static.read("web/console.js");

    private ConsolePage() {}

    static String html(String csrfToken) {
        String head = "\n<meta name=\"csrf-token\" content=\"" + Html.escape(csrfToken) + "\">"
                + "\n<script src=\"/console/console.js\" defer></script>";
        String body = """
                <header class="bar"><h1>server-agent</h1><span id="status">connecting…</span><span id="state" aria-live="polite"></span>
                <nav><a href="/admin">Dashboard</a><a href="/admin/agenda">Agenda</a>
                <form method="post" action="/logout"><input type="hidden" name="_csrf" value="%s"><button class="link" type="submit">Log out</button></form></nav></header>
                <main class="console">
                <div id="notices" aria-live="polite"></div>
                <div id="messages" aria-live="polite"></div>
                <form class="composer" id="composer">
                <label class="attach" title="Attach a photo, a voice note or a document (up to 20 MB); you can also drop or paste one">Attach<input type="file" id="file" name="file" accept="image/*,audio/*,.pdf,.txt,.md,.log,.csv,.json,application/pdf,text/*"></label>
                <button type="button" id="record" class="link" hidden title="Record a voice note with the microphone">Record</button>
                <span id="attachment" class="chip" hidden></span>
                <textarea id="text" name="text" placeholder="Message the agent…  (Enter sends, Shift+Enter for a new line)" aria-label="Message"></textarea>
                <button type="submit" id="send">Send</button></form>
                </main>""".formatted(Html.escape(csrfToken));
        return Html.page("Console", head, body);
    }

    static String script() {
        return SCRIPT;
    }
}
