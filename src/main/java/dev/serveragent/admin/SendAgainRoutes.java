package dev.serveragent.admin;

import dev.serveragent.web.HttpRoutes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.store.OutboxRepository;
import dev.serveragent.web.WebAccess;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * "Send again" for replies that ended {@code uncertain} (Telegram may or may not have them): the
 * dashboard's form on a conversation page and the console's JSON call re-queue the reply's text
 * (and button) as a new send, once. Behind {@link WebAccess} like every other action, CSRF
 * included; the console lists what it can offer with {@code GET /console/api/undelivered}.
 */
public final class SendAgainRoutes implements HttpRoutes {
    static final int LISTED = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebAccess access;
    private final OutboxRepository outbox;
    private final Runnable wakeSenders;
    private final Clock clock;

    public SendAgainRoutes(WebAccess access, OutboxRepository outbox, Runnable wakeSenders, Clock clock) {
        this.access = access;
        this.outbox = outbox;
        this.wakeSenders = wakeSenders;
        this.clock = clock;
    }

    @Override
    public void addTo(JavalinDefaultRoutingApi r) {
        r.post("/admin/messages/{id}/send-again", ctx -> {
            access.requireCsrf(ctx);
            long id = id(ctx.pathParam("id"));
            Optional<Long> copy = sendAgain(id);
            String thread = Optional.ofNullable(ctx.formParam("thread")).filter(t -> t.matches("\\d{1,19}")).orElse(null);
            ctx.redirect(thread == null ? "/admin/conversations" : "/admin/conversations/" + thread + "#m" + copy.orElse(id), HttpStatus.SEE_OTHER);
        });
        r.get("/console/api/undelivered", ctx -> {
            access.requireApi(ctx);
            ctx.json(Map.of("undelivered", outbox.undelivered(LISTED)));
        });
        r.post("/console/api/send-again", ctx -> {
            access.requireCsrf(ctx);
            JsonNode id = body(ctx).get("message_id");
            if (id == null || !id.canConvertToLong()) {
                throw new BadRequestResponse("\"message_id\" must be the id of the reply to send again");
            }
            Optional<Long> copy = sendAgain(id.asLong());
            if (copy.isEmpty()) {
                ctx.status(HttpStatus.CONFLICT).json(Map.of("error", "that reply is not waiting to be sent again"));
                return;
            }
            ctx.json(Map.of("message_id", copy.get()));
        });
    }

    private Optional<Long> sendAgain(long id) {
        Optional<Long> copy = outbox.sendAgain(id, clock.instant());
        copy.ifPresent(c -> wakeSenders.run());
        return copy;
    }

    private static long id(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new BadRequestResponse("not a message id: " + s);
        }
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode node = JSON.readTree(ctx.bodyAsBytes());
            if (node == null || !node.isObject()) {
                throw new BadRequestResponse("body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new BadRequestResponse("body is not valid JSON");
        }
    }
}
