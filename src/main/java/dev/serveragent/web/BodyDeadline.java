package dev.serveragent.web;

import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.HttpInput;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole request body must arrive within the deadline ({@code HTTP_BODY_DEADLINE_SECONDS}, 30 s
 * by default) plus its declared length at {@link #MIN_BYTES_PER_SECOND}: past it, a body still
 * unfinished has its connection closed (the blocked read then fails, and {@link ClientAbort} logs
 * one line). Jetty's idle timeout bounds each wait for the next byte, not a body trickled one byte
 * per idle period; and its minimum data rate counts from the first byte without a grace period,
 * which refused small bodies whose end arrived a few milliseconds late, so it is not used.
 * Armed before the handler, disarmed after it (Javalin runs after-handlers on every outcome).
 */
final class BodyDeadline {
    private static final Logger log = LoggerFactory.getLogger(BodyDeadline.class);
    /**
     * A declared length adds its time at this rate (512 kbit/s), as Apache's mod_reqtimeout's
     * MinRate does: a 20 MB console upload over a slow uplink gets about 5 minutes more. The
     * per-address connection cap bounds how many such slow bodies one client can hold.
     */
    static final long MIN_BYTES_PER_SECOND = 64 * 1024;
    /**
     * A declared length counts up to this (no route takes more: the console's 20 MB upload and its
     * framing), so a client declaring a terabyte gets no more time than a real upload.
     */
    static final long LARGEST_BODY = 32L * 1024 * 1024;
    private static final String ARMED = "sa.bodyDeadline";

    private record Armed(AtomicBoolean done, ScheduledFuture<?> timer) {}

    /** The plain deadline of every body, before its declared length's share. */
    private final Duration deadline;
    private final ScheduledThreadPoolExecutor timer = timer();

    BodyDeadline(Duration deadline) {
        this.deadline = deadline;
    }

    /** Cancelled timers leave the queue at once: each holds its request until it would have run. */
    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "http-body-deadline");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    Duration limitFor(long contentLength) {
        return deadline.plusSeconds(Math.clamp(contentLength, 0, LARGEST_BODY) / MIN_BYTES_PER_SECOND);
    }

    void arm(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        boolean hasBody = length > 0 || ctx.header("Transfer-Encoding") != null;
        if (!hasBody) {
            return;
        }
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        // Jetty's input itself, not getInputStream(): that would fix the servlet input mode and
        // forbid a later getReader() or multipart parsing by the handler.
        HttpInput body = request.getHttpInput();
        String what = ctx.method() + " " + ctx.path();
        String client = ctx.ip();
        AtomicBoolean done = new AtomicBoolean();
        Duration limit = limitFor(length);
        ScheduledFuture<?> task = timer.schedule(() -> {
            // done: the handler finished, the request may already serve the connection's next one.
            if (!done.get() && !body.isFinished()) {
                log.info("Client {} took over {} s to send the body of {}: connection closed", client, limit.toSeconds(), what);
                request.getConnectionMetaData().getConnection().getEndPoint().close();
            }
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        ctx.attribute(ARMED, new Armed(done, task));
    }

    void disarm(Context ctx) {
        if (ctx.attribute(ARMED) instanceof Armed armed) {
            armed.done().set(true);
            armed.timer().cancel(false);
        }
    }

    void stop() {
        timer.shutdownNow();
    }
}
