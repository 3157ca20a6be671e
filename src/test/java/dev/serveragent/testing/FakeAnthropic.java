package dev.serveragent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Anthropic Messages API ({@code POST /v1/messages}) on 127.0.0.1, for the official SDK
 * pointed at it with {@code ANTHROPIC_BASE_URL}. Records every request (headers that matter and
 * the JSON body) and answers with real Messages API JSON, usage included: the responses queued
 * with {@link #respond}, else {@link #message} of the default text. {@link #hold()} keeps every
 * answer back (the request is recorded first) until {@link #release()}: a model still thinking.
 */
public final class FakeAnthropic implements AutoCloseable {
    /** One request: its {@code x-api-key} header and parsed JSON body. */
    public record Request(String apiKey, String anthropicVersion, JsonNode body, java.util.Map<String, List<String>> headers) {}

    private record Answer(int status, String body) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> queued = new ConcurrentLinkedQueue<>();
    private volatile String defaultBody = message("ok", 10, 5);
    private volatile CountDownLatch held;

    private FakeAnthropic() {
        server = LoopbackHttp.serve("/v1/messages", this::handle);
    }

    public static FakeAnthropic start() {
        return new FakeAnthropic();
    }

    /** The value for {@code ANTHROPIC_BASE_URL}. */
    public String url() {
        return LoopbackHttp.url(server);
    }

    /** A Messages API response with one text block and the given usage. */
    public static String message(String text, long inputTokens, long outputTokens) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", "msg_01FakeAnthropic" + Math.abs(text.hashCode()));
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", "claude-haiku-4-5-20251001");
        m.putArray("content").addObject().put("type", "text").put("text", text);
        m.put("stop_reason", "end_turn");
        m.putNull("stop_sequence");
        m.putObject("usage").put("input_tokens", inputTokens).put("output_tokens", outputTokens)
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0).put("service_tier", "standard");
        return m.toString();
    }

    /** An API error body, as the API sends with 4xx/5xx. */
    public static String error(String type, String message) {
        ObjectNode e = JSON.createObjectNode().put("type", "error");
        e.putObject("error").put("type", type).put("message", message);
        return e.toString();
    }

    /** Answers the next request with {@code status} and {@code body}. */
    public void respond(int status, String body) {
        queued.add(new Answer(status, body));
    }

    /** The answer once the queue is empty. */
    public void respondByDefault(String body) {
        defaultBody = body;
    }

    /** From now on, requests are recorded and then left unanswered until {@link #release()} (or close). */
    public void hold() {
        held = new CountDownLatch(1);
    }

    /** Answers the held requests, and the next ones at once. */
    public void release() {
        CountDownLatch h = held;
        held = null;
        if (h != null) {
            h.countDown();
        }
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            requests.add(new Request(ex.getRequestHeaders().getFirst("x-api-key"), ex.getRequestHeaders().getFirst("anthropic-version"), body,
                    java.util.Map.copyOf(ex.getRequestHeaders())));
            CountDownLatch h = held;
            if (h != null) {
                try {
                    h.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Answer a = queued.poll();
            if (a == null) {
                a = new Answer(200, defaultBody);
            }
            ex.getResponseHeaders().set("request-id", "req_fake");
            LoopbackHttp.send(ex, a.status(), "application/json", a.body());
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
