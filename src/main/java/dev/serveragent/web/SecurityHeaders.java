package dev.serveragent.web;

import io.javalin.http.Context;

/**
 * Headers every response carries, set before any handler runs so errors and redirects have them
 * too. The pages load only their own scripts and styles (no inline script, style or event
 * handler: they live in {@code src/main/resources/web/}), cannot be framed by any site, are not
 * content-sniffed, and send no referrer to other sites (a page URL can carry a {@code next=} or a
 * search term). Not {@code no-referrer}: with it browsers send {@code Origin: null} on the pages'
 * own form posts, which the same-origin check of {@link WebAccess#requireCsrf} refuses.
 */
public final class SecurityHeaders {
    /** Strict: everything from this origin only, nothing inline, no framing, forms post only here. */
    public static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    public static final String REFERRER_POLICY = "same-origin";

    private SecurityHeaders() {}

    public static void apply(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        // For browsers without CSP level 2 frame-ancestors.
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", REFERRER_POLICY);
    }
}
