package dev.serveragent.web;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;

/**
 * {@code GET/POST /login} (the ADMIN_TOKEN form), {@code POST /logout}, and the shared stylesheet.
 * Wrong tokens are throttled per client address by the one {@link TokenThrottle} of every way
 * the token is presented; the right token always logs in. The token is never logged or echoed.
 */
public final class LoginRoutes implements HttpRoutes {
    private final WebAccessPolicy access;

    /** {@code clock} is unused since the throttle moved into {@link WebAccessPolicy}; kept for the callers. */
    public LoginRoutes(WebAccessPolicy access, Clock clock) {
        this.access = access;
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
        String token = ctx.formParam("token");
        TokenThrottle.Verdict verdict = access.logIn(ctx, token == null ? "" : token.trim());
        switch (verdict) {
            case ACCEPTED -> ctx.redirect(safeNext(next), HttpStatus.SEE_OTHER);
            case THROTTLED -> ctx.status(HttpStatus.TOO_MANY_REQUESTS)
                    .html(form(next, "Too many wrong tokens from this address; wait a few minutes."));
            case WRONG -> ctx.status(HttpStatus.UNAUTHORIZED).html(form(next, "Wrong token."));
        }
    }

    /** Where a login without a usable {@code next} goes. */
    static final String DEFAULT_NEXT = "/console";

    /**
     * {@code next} when it is a path of this site, else {@link #DEFAULT_NEXT}. Parsed as a URI
     * reference, not pattern-matched: it must have no scheme and no authority and an absolute path
     * that does not start with {@code //}, and it must be a strictly valid URI, which refuses
     * every control character, space and backslash (browsers drop a tab or newline and read
     * {@code /\t/evil} as {@code //evil}, and read {@code /\\evil} as {@code //evil}). The
     * answer is rebuilt from the parsed parts, so nothing unparsed reaches {@code Location}.
     */
    static String safeNext(String next) {
        if (next == null || next.isEmpty() || next.startsWith("//")) {
            return DEFAULT_NEXT; // "//" opens an authority, even an empty one ("///host" is read as "//host" by browsers)
        }
        URI uri;
        try {
            uri = new URI(next);
        } catch (URISyntaxException e) {
            return DEFAULT_NEXT;
        }
        String path = uri.getRawPath();
        if (uri.getScheme() != null || uri.getRawAuthority() != null || uri.isOpaque()
                || path == null || !path.startsWith("/") || path.startsWith("//")) {
            return DEFAULT_NEXT;
        }
        return path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
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
