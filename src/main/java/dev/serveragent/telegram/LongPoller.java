package dev.serveragent.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pengrad.telegrambot.TelegramBot;
import com.pengrad.telegrambot.request.DeleteWebhook;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.runtime.Loop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import dev.serveragent.store.DatabaseUnavailableException;
import dev.serveragent.store.LeaderLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long polling, when there is no {@code PUBLIC_URL}: removes any webhook (keeping pending
 * updates), then calls getUpdates in a loop and feeds every update to the same ingest path as
 * the webhook, on one {@link Loop}. The offset is persisted after each stored update, so a restart asks for exactly
 * the next one; an update is confirmed to Telegram (by asking past it) only once it is committed.
 *
 * <p>Only one replica long-polls (Telegram answers 409 to a second getUpdates of the same bot):
 * the one holding the {@link #LEADER_LOCK_KEY} advisory lock; the others try again every
 * {@link #FOLLOWER_RETRY} and take over within that when the poller's replica dies.
 *
 * <p>getUpdates is called with the JDK HTTP client rather than pengrad because the raw JSON of
 * each update must be kept whole ({@code raw_payload}), including fields a library model drops.
 */
public final class LongPoller implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(LongPoller.class);
    static final Duration RETRY_DELAY = Duration.ofSeconds(2);
    static final int MAX_FAILURES_PER_UPDATE = 3;
    /** {@code pg_advisory_lock} key of the one long-polling replica ("tgpoller"). */
    public static final long LEADER_LOCK_KEY = 0x7467_706f_6c6c_6572L;
    static final Duration FOLLOWER_RETRY = Duration.ofSeconds(5);

    private final TelegramBot bot;
    private final LeaderLock leader;
    private final URI getUpdatesUri;
    private final UpdateIngestor ingestor;
    private final PollStateRepository state;
    private final int timeoutSeconds;
    private final Clock clock;
    private final okhttp3.OkHttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong polls = new AtomicLong();
    private final Counter errors;
    private final Counter skipped;
    private final Loop loop;
    private volatile okhttp3.Call inFlight;
    private boolean webhookRemoved; // touched by the polling thread only
    private boolean following;
    private volatile boolean leading;  // this replica holds the poller lock (the telegram.poll.leader gauge)
    private long poisonId = -1;      // touched by the polling thread only
    private int poisonFailures;

    public LongPoller(TelegramBot bot, URI apiUrl, String token, UpdateIngestor ingestor, PollStateRepository state,
                      LeaderLock leader, int timeoutSeconds, Clock clock, MeterRegistry metrics) {
        this.bot = bot;
        this.leader = leader;
        this.errors = metrics.counter("telegram.poll.errors");
        this.skipped = metrics.counter("telegram.poll.skipped");
        metrics.gauge("telegram.poll.leader", this, p -> p.leading ? 1 : 0);
        this.getUpdatesUri = URI.create(apiUrl.toString().replaceAll("/+$", "") + "/bot" + token + "/getUpdates");
        this.ingestor = ingestor;
        this.state = state;
        this.timeoutSeconds = timeoutSeconds;
        this.clock = clock;
        // The long poll itself may take timeoutSeconds; a connection Telegram closed while idle is
        // the shared rule's to handle (OutgoingHttp).
        this.http = dev.serveragent.net.OutgoingHttp.builder(Duration.ofSeconds(10), Duration.ofSeconds(timeoutSeconds + 15L)).build();
        this.loop = Loop.named("telegram-long-poll", this::runOnce).onError(RETRY_DELAY, RETRY_DELAY)
                .describedAs("Telegram long polling").onEnd(() -> {
                    leading = false;
                    leader.release(); // at once, so another replica takes over without waiting for a timeout
                }).build();
    }

    @Override
    public synchronized void start() {
        if (!loop.running()) {
            webhookRemoved = false;
            following = false;
            loop.start();
        }
    }

    @Override
    public synchronized void stop() {
        loop.stop(() -> {
            okhttp3.Call call = inFlight;
            if (call != null) {
                call.cancel(); // ends the long poll at once; an update being stored is let finish
            }
        });
    }

    /** getUpdates calls completed so far (for tests and metrics). */
    public long polls() {
        return polls.get();
    }

    /** One pass: while this replica holds the poller lock, one getUpdates and the updates it brought. */
    private Loop.Next runOnce() {
        try {
            if (!leader.tryAcquire()) {
                if (leading) {
                    // Lost, not handed over: its connection died (a database outage).
                    errors.increment();
                    log.warn("Telegram long polling paused: the poller lock was lost (database unreachable?)");
                    leading = false;
                }
                if (!following) {
                    log.info("Another replica long-polls Telegram (or the database is unreachable); this one takes over if it stops");
                    following = true;
                }
                webhookRemoved = false;
                return Loop.Next.idle(FOLLOWER_RETRY);
            }
            following = false;
            leading = true;
            if (!webhookRemoved) {
                var r = bot.execute(new DeleteWebhook().dropPendingUpdates(false));
                if (!r.isOk()) {
                    throw new IllegalStateException("deleteWebhook: " + r.errorCode() + " " + r.description());
                }
                webhookRemoved = true;
                log.info("Telegram long polling started (no PUBLIC_URL)");
            }
            Duration retryAfter = pollOnce();
            if (retryAfter.isZero()) {
                return Loop.Next.again();
            }
            errors.increment();
            return Loop.Next.idle(retryAfter.plus(RETRY_DELAY)); // Telegram asked to wait, then the usual retry delay
        } catch (RuntimeException e) {
            if (loop.stopping()) {
                return Loop.Next.idle(Duration.ZERO); // the cancelled poll of a stop
            }
            errors.increment();
            throw e;
        } catch (Exception e) {
            if (loop.stopping()) {
                return Loop.Next.idle(Duration.ZERO);
            }
            errors.increment();
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /** One getUpdates; returns the wait Telegram asked for when it refused (zero when it answered). */
    private Duration pollOnce() throws Exception {
        long offset = state.nextOffset().orElse(0);
        ObjectNode body = json.createObjectNode();
        body.put("offset", offset);
        body.put("timeout", timeoutSeconds);
        body.set("allowed_updates", json.valueToTree(WebhookRegistrar.ALLOWED_UPDATES));
        okhttp3.Call call = http.newCall(new okhttp3.Request.Builder().url(getUpdatesUri.toString())
                .post(okhttp3.RequestBody.create(body.toString(), okhttp3.MediaType.get("application/json"))).build());
        inFlight = call;
        int status;
        byte[] answer;
        try (okhttp3.Response response = call.execute()) {
            status = response.code();
            answer = response.body().bytes();
        }
        polls.incrementAndGet();
        JsonNode root = json.readTree(answer);
        if (!root.path("ok").asBoolean()) {
            int retryAfter = root.path("parameters").path("retry_after").asInt(0);
            String error = "getUpdates: " + status + " " + root.path("description").asText();
            if (retryAfter > 0) {
                log.warn("Telegram long polling: {}; retrying in {}s", error, retryAfter + RETRY_DELAY.toSeconds());
                return Duration.ofSeconds(retryAfter);
            }
            throw new IllegalStateException(error);
        }
        for (JsonNode update : root.path("result")) {
            if (loop.stopping()) {
                return Duration.ZERO;
            }
            long id = update.path("update_id").asLong();
            try {
                ingestor.ingest(json.writeValueAsBytes(update));
            } catch (MalformedUpdateException e) {
                log.warn("Skipping a polled update that is not an update: {}", e.getMessage());
            } catch (DatabaseUnavailableException e) {
                // Not stored: leave the offset where it is so this update is fetched again.
                throw new IllegalStateException("update " + id + " not stored, database unavailable", e);
            } catch (RuntimeException e) {
                // A bug on one update must not stop polling for good: after a few tries it is
                // skipped, as Telegram itself gives up on a webhook update that keeps failing.
                if (id != poisonId) {
                    poisonId = id;
                    poisonFailures = 0;
                }
                if (++poisonFailures < MAX_FAILURES_PER_UPDATE) {
                    throw e;
                }
                skipped.increment();
                log.error("Skipping update {} after {} failed attempts", id, poisonFailures, e);
            }
            state.advanceTo(id + 1, clock.instant());
        }
        return Duration.ZERO;
    }
}
