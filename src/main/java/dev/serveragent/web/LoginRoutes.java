package dev.serveragent.web;

import dev.serveragent.admin.HttpRoutes;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET/POST /login} (the ADMIN_TOKEN form), {@code POST /logout}, and the shared stylesheet.
 * Wrong tokens are rate-limited per client address ({@link #MAX_FAILURES} per
 * {@link #FAILURE_WINDOW}); the token itself is never logged or echoed.
 */
public final class LoginRoutes implements HttpRoutes {
    static final int MAX_FAILURES = 10;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(10);

    private final WebAccessPolicy access;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public LoginRoutes(WebAccessPolicy access, Clock clock) {
        this.access = access;
        this.clock = clock;
    }

    @Override
    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/static/app.css", ctx -> ctx.contentType("text/css; charset=utf-8").result(Static.css()));
        routes.get(WebAccess.LOGIN_PATH, ctx -> {
            access.gate(ctx);
            if (access.mode() == WebAccessPolicy.Mode.LOOPBACK) {
                ctx.redirect(safeNext(ctx.queryParam("next")), HttpStatus.SEE_OTHER);
                return;
            }
            ctx.html(form(ctx.queryParam("next"), null));
        });
        routes.post(WebAccess.LOGIN_PATH, this::logIn);
        routes.post("/logout", ctx -> {
            access.requireCsrf(ctx);
            access.logOut(ctx);
            ctx.redirect(WebAccess.LOGIN_PATH, HttpStatus.SEE_OTHER);
        });
    }

    private void logIn(Context ctx) {
        access.gate(ctx);
        String next = ctx.formParam("next");
        String client = ctx.req().getRemoteAddr();
        if (tooMany(client)) {
            ctx.status(HttpStatus.TOO_MANY_REQUESTS).html(form(next, "Too many wrong tokens; wait a few minutes."));
            return;
        }
        String token = ctx.formParam("token");
        if (token != null && access.logIn(ctx, token.trim())) {
            failures.remove(client);
            ctx.redirect(safeNext(next), HttpStatus.SEE_OTHER);
            return;
        }
        failures.computeIfAbsent(client, k -> new ArrayDeque<>()).add(clock.instant());
        ctx.status(HttpStatus.UNAUTHORIZED).html(form(next, "Wrong token."));
    }

    private boolean tooMany(String client) {
        Deque<Instant> seen = failures.get(client);
        if (seen == null) {
            return false;
        }
        synchronized (seen) {
            Instant cutoff = clock.instant().minus(FAILURE_WINDOW);
            while (!seen.isEmpty() && seen.peekFirst().isBefore(cutoff)) {
                seen.pollFirst();
            }
            return seen.size() >= MAX_FAILURES;
        }
    }

    /** Only a path of this site: never {@code //host} or a scheme (an open redirect). */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.contains("\n")) {
            return "/console";
        }
        return next;
    }

    private static String form(String next, String error) {
        String body = """
                <main class="login"><h1>server-agent</h1>
                <form method="post" action="/login">
                <label for="token">Admin token</label>
                <input id="token" name="token" type="password" autocomplete="current-password" autofocus required>
                <input type="hidden" name="next" value="%s">
                %s<button type="submit">Log in</button></form>
                <p class="hint">The token is <code>ADMIN_TOKEN</code> in the agent's configuration.</p></main>"""
                .formatted(Html.escape(safeNext(next)), error == null ? "" : "<p class=\"error\" role=\"alert\">" + Html.escape(error) + "</p>");
        return Html.page("Log in", "", body);
    }
}
