package dev.serveragent.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.console.ConsoleRepository.Shown;
import dev.serveragent.runtime.Loop;
import io.javalin.http.sse.SseClient;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the console's conversation to every open browser (Server-Sent Events): one loop reads
 * what changed since its cursor whenever something is stored in this process ({@link #wake()}),
 * and every {@link #POLL_MS} for what other replicas stored. Each event is a message as it now
 * is ({@link ConsoleJson}), with the revision as its SSE id, so a reconnecting browser resumes
 * where it left off ({@code Last-Event-ID}). Events may repeat; browsers keep the newest
 * revision of each message.
 */
public final class ConsoleFeed implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(ConsoleFeed.class);
    static final long POLL_MS = 1000;
    private static final java.time.Duration POLL = java.time.Duration.ofMillis(POLL_MS);
    static final int BATCH = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConsoleRepository repository;
    private final Set<SseClient> clients = ConcurrentHashMap.newKeySet();
    private final Loop loop;
    private boolean started; // the loop's first pass read the cursor
    private long cursor;
    private volatile String state = "";

    public ConsoleFeed(ConsoleRepository repository) {
        this.repository = repository;
        this.loop = Loop.named("console-feed", this::runOnce).onError(POLL, POLL).describedAs("Console feed").build();
    }

    @Override
    public synchronized void start() {
        if (!loop.running()) {
            started = false;
            loop.start();
        }
    }

    @Override
    public synchronized void stop() {
        if (!loop.running()) {
            return;
        }
        loop.stop();
        clients.forEach(SseClient::close);
        clients.clear();
    }

    public void wake() {
        loop.wake();
    }

    /** Sends what changed after {@code after} to this client, then keeps it on the feed. */
    void connect(SseClient client, long after) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        long since = after;
        List<Shown> changed;
        do {
            changed = repository.changedSince(thread(), since, BATCH);
            for (Shown m : changed) {
                send(client, m);
                since = m.rev();
            }
        } while (changed.size() == BATCH);
        sendState(client, repository.conversationState(thread()));
        clients.add(client);
        wake();
    }

    int clientCount() {
        return clients.size();
    }

    private long thread() {
        return repository.threadId();
    }

    /** One pass: the first reads where the feed starts; later ones send what changed to the open browsers. */
    private Loop.Next runOnce() {
        if (!started) {
            started = true;
            try {
                cursor = repository.settledRev(thread());
            } catch (RuntimeException e) {
                log.warn("Console feed could not read its start: {}", e.toString());
            }
        }
        if (!clients.isEmpty()) {
            pass();
            followState();
        }
        return Loop.Next.idle(POLL);
    }

    /** One read: sends every changed row, and moves the cursor only past settled ones. */
    private void pass() {
        List<Shown> changed = repository.changedSince(thread(), cursor, BATCH);
        long next = cursor;
        boolean blocked = false;
        for (Shown m : changed) {
            clients.forEach(c -> send(c, m));
            if (!m.settled()) {
                blocked = true;
            } else if (!blocked) {
                next = m.rev();
            }
        }
        cursor = next;
    }

    /**
     * Tells every browser where the conversation stands when that changed: looked at on every
     * wake and poll, because a job finishes (answered, failed) without a message changing then.
     */
    private void followState() {
        String now = repository.conversationState(thread());
        if (!now.equals(state)) {
            state = now;
            clients.forEach(c -> sendState(c, now));
        }
    }

    private static void sendState(SseClient client, String state) {
        emit(client, "state", java.util.Map.of("state", state), null);
    }

    private static void send(SseClient client, Shown m) {
        emit(client, "message", ConsoleJson.of(m), Long.toString(m.rev()));
    }

    private static void emit(SseClient client, String event, Object data, String id) {
        if (client.terminated()) {
            return;
        }
        try {
            synchronized (client) {
                if (id == null) {
                    client.sendEvent(event, JSON.writeValueAsString(data));
                } else {
                    client.sendEvent(event, JSON.writeValueAsString(data), id);
                }
            }
        } catch (Exception e) {
            // A browser that went away: its close callback removes it.
            log.debug("Console client send failed: {}", e.toString());
        }
    }
}
