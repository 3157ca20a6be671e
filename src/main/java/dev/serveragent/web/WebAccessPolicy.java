package dev.serveragent.web;

import dev.serveragent.config.Secret;
import dev.serveragent.store.WebSessionRepository;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.RedirectResponse;
import io.javalin.http.SameSite;
import io.javalin.http.TooManyRequestsResponse;
import io.javalin.http.UnauthorizedResponse;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@link WebAccess} rules, with sessions in the database ({@link WebSessionRepository}).
 *
 * <p>Loopback mode also checks the {@code Host} header: a page on another site can make a browser
 * send requests to {@code localhost} (CSRF, which the token stops) or resolve its own name to
 * 127.0.0.1 (DNS rebinding, which only the Host check stops).
 */
public final class WebAccessPolicy implements WebAccess {
    /** Why the pages are in the state they are, for the start-up log. */
    public enum Mode { LOOPBACK, TOKEN, OFF }

    public static final String COOKIE = "sa_session";
    static final Duration SESSION_TTL = Duration.ofDays(30);
    private static final String SESSION_ATTR = "sa.session";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Mode mode;
    private final Optional<Secret> adminToken;
    private final Optional<TokenThrottle> throttle;
    private final WebSessionRepository sessions;
    private final Clock clock;
    private final LoopbackCsrf loopbackCsrf = new LoopbackCsrf(RANDOM);

    public WebAccessPolicy(Optional<Secret> adminToken, boolean publicUrlSet, WebSessionRepository sessions, Clock clock) {
        this.adminToken = adminToken;
        this.throttle = adminToken.map(t -> new TokenThrottle(t, clock));
        this.mode = adminToken.isPresent() ? Mode.TOKEN : publicUrlSet ? Mode.OFF : Mode.LOOPBACK;
        this.sessions = sessions;
        this.clock = clock;
    }

    public Mode mode() {
        return mode;
    }

    /** One line for the start-up log. */
    public String describe() {
        return switch (mode) {
            case LOOPBACK -> "open to loopback clients only (set ADMIN_TOKEN to log in from elsewhere)";
            case TOKEN -> "login with ADMIN_TOKEN required";
            case OFF -> "off: PUBLIC_URL is set and ADMIN_TOKEN is not (set ADMIN_TOKEN to turn the console and dashboard on)";
        };
    }

    @Override
    public boolean enabled() {
        return mode != Mode.OFF;
    }

    @Override
    public void requirePage(Context ctx) {
        gate(ctx);
        if (session(ctx).isPresent()) {
            return;
        }
        if (mode == Mode.LOOPBACK) {
            loopbackPageSession(ctx);
            return;
        }
        String next = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        ctx.header("Location", LOGIN_PATH + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        throw new RedirectResponse(HttpStatus.SEE_OTHER);
    }

    @Override
    public void requireApi(Context ctx) {
        gate(ctx);
        if (mode == Mode.LOOPBACK || session(ctx).isPresent()) {
            return;
        }
        String auth = ctx.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            TokenThrottle.Verdict verdict = verify(ctx, auth.substring(7).trim());
            if (verdict == TokenThrottle.Verdict.ACCEPTED) {
                return;
            }
            if (verdict == TokenThrottle.Verdict.THROTTLED) {
                throw new TooManyRequestsResponse("too many wrong tokens from this address: wait and try again");
            }
        }
        throw new UnauthorizedResponse("missing or wrong token: send Authorization: Bearer <ADMIN_TOKEN> or log in at " + LOGIN_PATH);
    }

    @Override
    public void requireCsrf(Context ctx) {
        gate(ctx);
        Optional<WebSessionRepository.Session> s = session(ctx);
        if (s.isEmpty() && mode != Mode.LOOPBACK) {
            // Before any body is read: a stranger's request must not make the server parse (or spool) it.
            throw mode == Mode.TOKEN ? new UnauthorizedResponse("log in first") : new ForbiddenResponse("no session: reload the page");
        }
        String sent = Optional.ofNullable(ctx.header(CSRF_HEADER)).orElseGet(() -> formField(ctx));
        if (s.isEmpty()) {
            s = loopbackFirstPost(ctx, sent);
        }
        if (s.isEmpty()) {
            throw new ForbiddenResponse("no session: reload the page");
        }
        if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), s.get().csrfToken().getBytes(StandardCharsets.UTF_8))) {
            throw new ForbiddenResponse("missing or wrong CSRF token: reload the page");
        }
        String origin = ctx.header("Origin");
        if (origin != null && !sameOrigin(origin, ctx)) {
            throw new ForbiddenResponse("cross-origin request refused");
        }
    }

    @Override
    public String csrfToken(Context ctx) {
        return session(ctx).map(WebSessionRepository.Session::csrfToken)
                .orElseThrow(() -> new IllegalStateException("csrfToken() before a require method"));
    }

    /** Checks the token (throttled like every presentation of it) and, when it matches, starts a session. */
    TokenThrottle.Verdict logIn(Context ctx, String token) {
        if (mode != Mode.TOKEN) {
            return TokenThrottle.Verdict.WRONG;
        }
        TokenThrottle.Verdict verdict = verify(ctx, token);
        if (verdict == TokenThrottle.Verdict.ACCEPTED) {
            startSession(ctx);
        }
        return verdict;
    }

    /** The one place a presented ADMIN_TOKEN is compared; sets {@code Retry-After} when throttled. */
    private TokenThrottle.Verdict verify(Context ctx, String presented) {
        TokenThrottle t = throttle.orElseThrow();
        String client = ctx.req().getRemoteAddr();
        TokenThrottle.Verdict verdict = t.verify(client, presented);
        if (verdict == TokenThrottle.Verdict.THROTTLED) {
            ctx.header("Retry-After", Long.toString(t.retryAfterSeconds(client)));
        }
        return verdict;
    }

    void logOut(Context ctx) {
        String cookie = ctx.cookie(COOKIE);
        if (cookie != null) {
            sessions.delete(sha256(cookie));
        }
        ctx.cookie(cookie("", 0, ctx));
    }

    /** Mode and network rules shared by every guarded request. */
    void gate(Context ctx) {
        if (mode == Mode.OFF) {
            throw new NotFoundResponse("the console and dashboard are off: PUBLIC_URL is set and ADMIN_TOKEN is not");
        }
        if (mode == Mode.LOOPBACK && !(isLoopback(ctx.req().getRemoteAddr()) && isLoopbackHost(ctx.host()))) {
            throw new ForbiddenResponse("open to loopback clients only: set ADMIN_TOKEN to log in from elsewhere");
        }
    }

    private Optional<WebSessionRepository.Session> session(Context ctx) {
        Object cached = ctx.attribute(SESSION_ATTR);
        if (cached instanceof WebSessionRepository.Session s) {
            return Optional.of(s);
        }
        String cookie = ctx.cookie(COOKIE);
        if (cookie == null || cookie.isEmpty() || cookie.length() > 100) {
            return Optional.empty();
        }
        Optional<WebSessionRepository.Session> found = sessions.find(sha256(cookie), clock.instant());
        found.ifPresent(s -> ctx.attribute(SESSION_ATTR, s));
        return found;
    }

    /** A loopback page view: the browser's id (a new one when it has none), no database row. */
    private void loopbackPageSession(Context ctx) {
        String id = ctx.cookie(COOKIE);
        if (!LoopbackCsrf.wellFormedId(id)) {
            id = randomToken();
            ctx.cookie(cookie(id, (int) SESSION_TTL.toSeconds(), ctx));
        }
        ctx.attribute(SESSION_ATTR, new WebSessionRepository.Session(loopbackCsrf.tokenFor(id), clock.instant().plus(SESSION_TTL)));
    }

    /** The first post of a loopback page: when it carries its page's derived token, the session row is written now. */
    private Optional<WebSessionRepository.Session> loopbackFirstPost(Context ctx, String sent) {
        String id = ctx.cookie(COOKIE);
        if (!loopbackCsrf.matches(id, sent)) {
            return Optional.empty();
        }
        String csrf = loopbackCsrf.tokenFor(id);
        Instant now = clock.instant();
        WebSessionRepository.Session s = new WebSessionRepository.Session(csrf, now.plus(SESSION_TTL));
        sessions.create(sha256(id), csrf, now, s.expiresAt());
        ctx.attribute(SESSION_ATTR, s);
        return Optional.of(s);
    }

    private void startSession(Context ctx) {
        String id = randomToken();
        Instant now = clock.instant();
        WebSessionRepository.Session s = new WebSessionRepository.Session(randomToken(), now.plus(SESSION_TTL));
        sessions.create(sha256(id), s.csrfToken(), now, s.expiresAt());
        ctx.attribute(SESSION_ATTR, s);
        ctx.cookie(cookie(id, (int) SESSION_TTL.toSeconds(), ctx));
    }

    private static Cookie cookie(String value, int maxAge, Context ctx) {
        boolean https = "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto")) || "https".equalsIgnoreCase(ctx.scheme());
        return new Cookie(COOKIE, value, "/", maxAge, https, true, null, SameSite.STRICT);
    }

    /**
     * The CSRF field of a page's own form (url-encoded, bounded by the server's body limit). Never
     * of a multipart body: parsing one here would spool it to disk before the route could set its
     * own limits; the console's uploads send the token in {@link #CSRF_HEADER}.
     */
    private static String formField(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
            return null;
        }
        return ctx.formParam(CSRF_FIELD);
    }

    private static boolean sameOrigin(String origin, Context ctx) {
        try {
            URI o = URI.create(origin);
            String host = Optional.ofNullable(ctx.header("X-Forwarded-Host")).orElse(ctx.host());
            String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            return host != null && o.getHost() != null
                    && (host.equalsIgnoreCase(authority) || host.equalsIgnoreCase(o.getHost()) && o.getPort() < 0);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean isLoopback(String address) {
        if (address == null || address.isEmpty() || !(address.indexOf(':') >= 0 || Character.isDigit(address.charAt(0)))) {
            return false; // only IP literals: never resolve a name here
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** {@code localhost}, {@code *.localhost}, 127.0.0.0/8 or {@code [::1]}, with or without a port. */
    static boolean isLoopbackHost(String hostHeader) {
        if (hostHeader == null || hostHeader.isEmpty()) {
            return false;
        }
        String host = hostHeader.toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 && isLoopback(host.substring(1, end));
        }
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
        }
        return host.equals("localhost") || host.endsWith(".localhost") || host.matches("127(\\.\\d{1,3}){3}");
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
