package dev.serveragent.admin;

import dev.serveragent.Lifecycle;
import dev.serveragent.ServerAgentException;
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
 * The one embedded HTTP server (Javalin on Jetty, handlers on Jetty's pool of platform threads): health,
 * readiness, metrics, and the endpoints other capabilities contribute as {@link HttpRoutes}.
 * {@link #stop()} stops accepting, lets in-flight requests finish within {@link #STOP_TIMEOUT_MS}.
 */
public final class HttpServer implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /** Bound on how long a graceful stop waits for in-flight requests. */
    static final long STOP_TIMEOUT_MS = 10_000;
    /** Largest request body accepted anywhere; the webhook applies its own, smaller cap. */
    static final long MAX_REQUEST_BYTES = 2L * 1024 * 1024;

    private static final long PID = ProcessHandle.current().pid();

    private final HttpConfig config;
    private final Javalin app;
    private boolean started;

    public HttpServer(HttpConfig config, Database database, Metrics metrics, List<HttpRoutes> routes) {
        this(config, database, metrics, routes, List.of());
    }

    /** {@code checks} are asked after the database's, in order; {@code /readyz} gives every reason. */
    public HttpServer(HttpConfig config, Database database, Metrics metrics, List<HttpRoutes> routes, List<ReadinessCheck> checks) {
        this.config = config;
        List<ReadinessCheck> readiness = new java.util.ArrayList<>();
        readiness.add(database::notReadyReason);
        readiness.addAll(checks);
        this.app = Javalin.create(c -> {
            // Platform threads, measured: a webhook runs four JDBC round trips, and on a virtual
            // thread each one parks and is handed back through the JDK's I/O poller and a carrier
            // (two thread wake-ups instead of one), which cost 0.2-0.3 ms per webhook at one
            // connection on 2 cores (bench/webhook-ingest.sh, docs/PERFORMANCE.md). The pool's
            // 250 threads are far above the database pool and Telegram's 40 connections.
            c.concurrency.useVirtualThreads = false;
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.http.maxRequestSize = MAX_REQUEST_BYTES;
            c.jetty.modifyServer(server -> server.setStopTimeout(STOP_TIMEOUT_MS));
            // SO_REUSEPORT: a new release binds the port beside the running one and takes over
            // without a gap (docs/DEPLOY.md, zero-downtime swap); the pid in /healthz and /readyz
            // tells the deploy which instance answered.
            c.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(config.bindHost());
                connector.setPort(config.port());
                connector.setReusePort(true);
                return connector;
            });
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
                log.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
                ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(Map.of("error", "internal error"));
            });
        });
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
        started = false;
    }
}
