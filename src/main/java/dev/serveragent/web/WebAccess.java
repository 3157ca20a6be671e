package dev.serveragent.web;

import io.javalin.http.Context;

/**
 * Who may use the agent's browser pages (the console and the dashboard) and their JSON APIs.
 * One policy for all of them (DESIGN.md §4):
 * <ul>
 *   <li>no {@code ADMIN_TOKEN} and no {@code PUBLIC_URL}: open to loopback clients only, the
 *       zero-config case (a session cookie is still issued, so posts carry a CSRF token);</li>
 *   <li>{@code ADMIN_TOKEN} set: every client logs in with it, loopback included (behind a
 *       reverse proxy every request comes from loopback); an HttpOnly, SameSite=Strict cookie
 *       session follows;</li>
 *   <li>{@code PUBLIC_URL} set and no {@code ADMIN_TOKEN}: the pages are off ({@link #enabled()}
 *       false) and the log says why.</li>
 * </ul>
 * The methods are Javalin before-handler bodies: they return normally to let the request through
 * and throw an {@code io.javalin.http.HttpResponseException} (a redirect to the login page, 401,
 * 403 or 404) to stop it. Thread-safe.
 */
public interface WebAccess {
    /** The login page's path; a page request without a session is redirected here with {@code ?next=}. */
    String LOGIN_PATH = "/login";
    /** Form field or header that carries the CSRF token of a state-changing request. */
    String CSRF_FIELD = "_csrf";
    String CSRF_HEADER = "X-CSRF-Token";

    /** False when the browser pages are off: every guarded path then answers 404. */
    boolean enabled();

    /** A browser page (GET): a session, or a redirect to {@link #LOGIN_PATH}. */
    void requirePage(Context ctx);

    /** A JSON API call: a session cookie or {@code Authorization: Bearer ADMIN_TOKEN}; else 401 (JSON body). */
    void requireApi(Context ctx);

    /**
     * A state-changing request (POST): a session and a valid CSRF token in the form field
     * {@link #CSRF_FIELD} or the header {@link #CSRF_HEADER}, and a same-origin {@code Origin}
     * when the browser sends one; else 403.
     */
    void requireCsrf(Context ctx);

    /** The CSRF token of the current request's session, to embed in pages; call after a require method. */
    String csrfToken(Context ctx);
}
