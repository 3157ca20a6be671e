package dev.serveragent.telegram;

import dev.serveragent.web.HttpRoutes;
import dev.serveragent.config.Secret;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import dev.serveragent.store.DatabaseUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /telegram/webhook}. Answers 200 only once the update is committed, so Telegram
 * retries anything that failed: 401 for a wrong or missing secret header (compared in constant
 * time, never logged), 413 over {@link #MAX_BODY_BYTES}, 400 for a body that is not an update,
 * 503 while the database is unreachable.
 */
public final class WebhookRoutes implements HttpRoutes {
    private static final Logger log = LoggerFactory.getLogger(WebhookRoutes.class);
    public static final String PATH = "/telegram/webhook";
    public static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** How much of an oversized body is read and dropped so that its client can read the 413. */
    static final long MAX_DRAINED_BYTES = 64L * 1024 * 1024;

    private final Secret secret;
    private final UpdateIngestor ingestor;
    private final MeterRegistry metrics;

    public WebhookRoutes(Secret secret, UpdateIngestor ingestor, MeterRegistry metrics) {
        this.metrics = metrics;
        this.secret = secret;
        this.ingestor = ingestor;
    }

    @Override
    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post(PATH, this::handle);
    }

    private void handle(Context ctx) {
        long t0 = System.nanoTime();
        try {
            respond(ctx);
        } finally {
            metrics.timer("telegram.webhook", "status", Integer.toString(ctx.statusCode()))
                    .record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void respond(Context ctx) {
        if (!secret.matches(ctx.header(SECRET_HEADER))) {
            ctx.status(401).json(Map.of("error", "wrong or missing " + SECRET_HEADER));
            return;
        }
        byte[] body;
        try {
            body = readCapped(ctx);
        } catch (IOException e) {
            // The client broke off its request (or sent broken chunking): nothing to store.
            ctx.status(400).json(Map.of("error", "the body could not be read"));
            return;
        }
        if (body == null) {
            ctx.status(413).json(Map.of("error", "body over " + MAX_BODY_BYTES + " bytes"));
            return;
        }
        try {
            ingestor.ingest(body);
            ctx.status(200).json(Map.of("ok", true));
        } catch (MalformedUpdateException e) {
            ctx.status(400).json(Map.of("error", e.getMessage()));
        } catch (DatabaseUnavailableException e) {
            log.warn("Webhook update not stored, Telegram will retry: {}", rootMessage(e));
            ctx.status(503).json(Map.of("error", "database unavailable"));
        }
    }

    /**
     * The body, or null when it is over {@link #MAX_BODY_BYTES}. An oversized body is still read
     * to its end (up to {@link #MAX_DRAINED_BYTES}) and dropped: answering while the client is
     * still writing and closing would reset the connection, and the client would never read
     * the 413. Past that bound the connection is closed, reset or not.
     */
    private static byte[] readCapped(Context ctx) throws IOException {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length <= MAX_BODY_BYTES) {
                return body;
            }
            long drained = body.length;
            byte[] sink = new byte[64 * 1024];
            for (int n; drained <= MAX_DRAINED_BYTES && (n = in.read(sink)) >= 0; ) {
                drained += n;
            }
            if (drained > MAX_DRAINED_BYTES) {
                ctx.header("Connection", "close");
            }
            return null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
