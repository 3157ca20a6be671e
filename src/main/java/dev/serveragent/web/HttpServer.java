package dev.serveragent.web;

import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.runtime.ServerAgentException;
import dev.serveragent.config.HttpConfig;
import dev.serveragent.store.Database;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.javalin.util.JavalinBindException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one embedded HTTP server (Javalin on Jetty, handlers on virtual threads): health, readiness,
 * metrics, and the endpoints other capabilities contribute as {@link HttpRoutes}.
 * {@link #stop()} stops accepting, lets in-flight requests finish within {@link #STOP_TIMEOUT_MS}.
 *
 * <p>What a slow or hostile client can hold (docs/THREAT_MODEL.md, "The HTTP surface"): a request
 * body must arrive whole within {@link HttpConfig#bodyDeadline()} ({@link BodyDeadline}), a
 * connection that sends nothing for {@link HttpConfig#idleTimeout()} is closed, one client
 * address keeps at most {@link #MAX_CONNECTIONS_PER_CLIENT} connections and the server
 * {@link #MAX_CONNECTIONS}; a request waiting for its body parks a virtual thread, not one of a
 * fixed pool, so {@code /healthz} and the webhook stay answered. Every response carries
 * {@link SecurityHeaders}.
 */
public final class HttpServer implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /** Bound on how long a graceful stop waits for in-flight requests. */
    static final long STOP_TIMEOUT_MS = 10_000;
    /**
     * At a stop, a kept-alive connection with no request in flight is closed after this (Jetty's
     * default, 1 s, was most of every stop's time: the stop waits for those connections to close).
     * A request in flight still gets {@link #STOP_TIMEOUT_MS}.
     */
    static final long SHUTDOWN_IDLE_TIMEOUT_MS = 200;
    /** Largest request body accepted anywhere; the webhook applies its own, smaller cap. */
    static final long MAX_REQUEST_BYTES = 2L * 1024 * 1024;

    /** Open connections of the whole server; past it Jetty stops accepting until some close. */
    static final int MAX_CONNECTIONS = 4_000;
    /** Open connections of one client address; one more is closed at once. */
    static final int MAX_CONNECTIONS_PER_CLIENT = 256;

    private static final long PID = ProcessHandle.current().pid();

    private final HttpConfig config;
    private final BodyDeadline bodyDeadline;
    private final Javalin app;
    private boolean started;

    public HttpServer(HttpConfig config, Database database, Metrics metrics, List<HttpRoutes> routes) {
        this(config, database, metrics, routes, List.of());
    }

    /** {@code checks} are asked after the database's, in order; {@code /readyz} gives every reason. */
    public HttpServer(HttpConfig config, Database database, Metrics metrics, List<HttpRoutes> routes, List<ReadinessCheck> checks) {
        this.config = config;
        this.bodyDeadline = new BodyDeadline(config.bodyDeadline());
        // A connection silent this long (between requests, or inside one) is closed.
        long idleTimeoutMs = config.idleTimeout().toMillis();
        List<ReadinessCheck> readiness = new java.util.ArrayList<>();
        readiness.add(database::notReadyReason);
        readiness.addAll(checks);
        this.app = Javalin.create(c -> {
            // Virtual threads: a request that waits for its body (or for the database) parks a virtual
            // thread instead of holding one of a fixed pool, so slow clients cannot starve /healthz
            // and the webhook (issue 18). Platform threads were measured 0.2-0.3 ms faster per
            // webhook at one connection (docs/PERFORMANCE.md), but 260 trickling bodies stalled them.
            c.concurrency.useVirtualThreads = true;
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.maxRequestSize = MAX_REQUEST_BYTES;
            c.jetty.modifyServer(server -> {
                server.setStopTimeout(STOP_TIMEOUT_MS);
                server.addBean(new org.eclipse.jetty.server.ConnectionLimit(MAX_CONNECTIONS, server));
            });
            c.jetty.modifyHttpConfiguration(http -> {
                http.setIdleTimeout(idleTimeoutMs);
                http.setSendServerVersion(false);
            });
            // SO_REUSEPORT: a new release binds the port beside the running one and takes over
            // without a gap (docs/DEPLOY.md, zero-downtime swap); the pid in /healthz and /readyz
            // tells the deploy which instance answered.
            c.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(config.bindHost());
                connector.setPort(config.port());
                connector.setReusePort(true);
                connector.setIdleTimeout(idleTimeoutMs);
                connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT_MS);
                connector.addBean(new ClientConnectionLimit(MAX_CONNECTIONS_PER_CLIENT));
                return connector;
            });
            c.routes.before(SecurityHeaders::apply);
            c.routes.before(bodyDeadline::arm);
            c.routes.after(bodyDeadline::disarm);
            c.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok", "pid", PID)));
            c.routes.get("/readyz", ctx -> {
                List<String> reasons = readiness.stream().map(ReadinessCheck::notReadyReason).flatMap(Optional::stream).toList();
                if (reasons.isEmpty()) {
                    ctx.json(Map.of("status", "ready", "pid", PID));
                } else {
                    ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("status", "not ready", "reason", String.join("; ", reasons), "pid", PID));
                }
            });
            c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            routes.forEach(r -> r.addTo(c.routes));
            c.routes.exception(Exception.class, (e, ctx) -> {
                if (ClientAbort.is(e)) {
                    // The client hung up or was too slow: its problem, not ours, and no stack trace.
                    log.info("Client {} gave up on {} {}: {}", ctx.ip(), ctx.method(), ctx.path(), ClientAbort.describe(e));
                    ctx.status(ClientAbort.status(e)).json(Map.of("error", "the request body could not be read in time"));
                    return;
                }
                log.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(Map.of("error", "internal error"));
            });
        });
    }

    /**
     * Initializes, without a port or a thread, the classes the constructor and {@link #start} need
     * (Javalin's, Jetty's server, connector and MIME types),
     * so that a start can do it while it waits for something else (the embedded database).
     */
    public static void warmUp() {
        // Not Javalin.create(): an instance that is never started leaves a thread that later warns about it.
        try {
            Class.forName(Javalin.class.getName(), true, HttpServer.class.getClassLoader());
            Class.forName(io.javalin.config.JavalinConfig.class.getName(), true, HttpServer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        var server = new org.eclipse.jetty.server.Server();
        new ServerConnector(server, new HttpConnectionFactory());
        org.eclipse.jetty.http.MimeTypes.DEFAULTS.getMimeByExtension("x.html");
    }

    @Override
    public synchronized void start() {
        if (started) {
            return;
        }
        try {
            app.start(config.bindHost(), config.port());
        } catch (JavalinBindException e) {
            throw new ServerAgentException("HTTP port " + config.port() + " on " + config.bindHost()
                    + " is already in use (set PORT or BIND_HOST)", e);
        }
        started = true;
        log.info("HTTP listening on {}:{}", config.bindHost(), port());
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return app.port();
    }

    @Override
    public synchronized void stop() {
        if (!started) {
            return;
        }
        app.stop();
        bodyDeadline.stop();
        started = false;
    }
}
