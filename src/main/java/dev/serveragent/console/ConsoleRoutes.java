package dev.serveragent.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.web.HttpRoutes;
import dev.serveragent.channel.Channel;
import dev.serveragent.channel.Press;
import dev.serveragent.channel.PressListener;
import dev.serveragent.store.DatabaseUnavailableException;
import dev.serveragent.web.WebAccess;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The browser console: the page, its history, live feed (SSE), sending a message and pressing a
 * button. Everything goes through the same tables, queue and approvals as Telegram
 * ({@code platform='console'}); the console's user is a Master. Access is {@link WebAccess}'s:
 * pages and reads need a session (or loopback in the zero-config case), posts a CSRF token.
 */
public final class ConsoleRoutes implements HttpRoutes {
    /** Longest message accepted (Telegram's own limit is 4096; a console user may paste more). */
    static final int MAX_TEXT_CHARS = 32_000;
    static final int MAX_BODY_BYTES = 256 * 1024;
    static final int HISTORY = 200;
    static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConsoleRoutes.class);

    private final WebAccess access;
    private final ConsoleRepository repository;
    private final ConsoleFeed feed;
    private final ConsoleChannel channel;
    private final PressListener presses;
    private final Notices notices;
    private final Clock clock;

    public ConsoleRoutes(WebAccess access, ConsoleRepository repository, ConsoleFeed feed, ConsoleChannel channel,
                         PressListener presses, Notices notices, Clock clock) {
        this.access = access;
        this.repository = repository;
        this.feed = feed;
        this.channel = channel;
        this.presses = presses;
        this.notices = notices;
        this.clock = clock;
    }

    @Override
    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.get("/", ctx -> ctx.redirect("/console", HttpStatus.SEE_OTHER));
        routes.get("/console", ctx -> {
            access.requirePage(ctx);
            ctx.header("Cache-Control", "no-store").html(ConsolePage.html(access.csrfToken(ctx)));
        });
        routes.get("/console/console.js", ctx -> ctx.contentType("text/javascript; charset=utf-8").result(ConsolePage.script()));
        routes.get("/console/api/history", ctx -> {
            access.requireApi(ctx);
            long thread = repository.threadId();
            ctx.json(Map.of("messages", repository.history(thread, HISTORY).stream().map(ConsoleJson::of).toList(),
                    "notices", notices.current()));
        });
        routes.get("/console/api/state", ctx -> {
            access.requireApi(ctx);
            ctx.json(Map.of("notices", notices.current()));
        });
        routes.before("/console/events", access::requireApi);
        routes.sse("/console/events", client -> feed.connect(client, after(client.ctx())));
        routes.post("/console/api/messages", this::send);
        routes.post("/console/api/press", this::press);
    }

    private void send(Context ctx) {
        access.requireCsrf(ctx);
        JsonNode body = body(ctx);
        JsonNode text = body.get("text");
        if (text == null || !text.isTextual() || text.asText().isBlank()) {
            throw new BadRequestResponse("\"text\" must be a non-empty string");
        }
        if (text.asText().length() > MAX_TEXT_CHARS) {
            throw new ContentTooLargeResponse("\"text\" is over " + MAX_TEXT_CHARS + " characters");
        }
        JsonNode nonce = body.get("nonce");
        if (nonce != null && !nonce.isNull() && !(nonce.isTextual() && NONCE.matcher(nonce.asText()).matches())) {
            throw new BadRequestResponse("\"nonce\" must be 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        String clean = storable(text.asText());
        try {
            ConsoleRepository.Stored stored = repository.storeUserMessage(repository.threadId(), Channel.CONSOLE_USER, clean,
                    Optional.ofNullable(nonce).filter(JsonNode::isTextual).map(JsonNode::asText), clock.instant());
            feed.wake();
            ctx.json(Map.of("message_id", stored.messageId(), "duplicate", stored.duplicate()));
        } catch (DatabaseUnavailableException e) {
            log.warn("Console message refused: {}", e.getMessage());
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", "the database is unavailable; try again"));
        }
    }

    private void press(Context ctx) {
        access.requireCsrf(ctx);
        JsonNode data = body(ctx).get("data");
        if (data == null || !data.isTextual() || data.asText().isEmpty() || data.asText().length() > 64) {
            throw new BadRequestResponse("\"data\" must be the button's data (1-64 characters)");
        }
        String pressId = UUID.randomUUID().toString();
        presses.onPress(new Press(Channel.CONSOLE, pressId, repository.threadId(), Channel.CONSOLE_USER, data.asText()));
        feed.wake();
        String answer = channel.takeAnswer(pressId);
        ctx.json(Map.of("answer", answer == null ? "" : answer));
    }

    private static JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ContentTooLargeResponse("body is over " + MAX_BODY_BYTES + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new BadRequestResponse("body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new BadRequestResponse("body is not valid JSON");
        }
    }

    /** Postgres text holds neither NUL nor a lone surrogate (JSON can carry both): drop or replace them. */
    static String storable(String s) {
        return s.replace("\u0000", "").codePoints()
                .map(c -> Character.isSurrogate((char) c) && c <= 0xFFFF ? 0xFFFD : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /** Where a (re)connecting browser resumes: {@code Last-Event-ID}, else {@code ?after=}, else the start. */
    static long after(Context ctx) {
        String v = Optional.ofNullable(ctx.header("Last-Event-ID")).orElse(ctx.queryParam("after"));
        try {
            return v == null ? 0 : Math.max(0, Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
