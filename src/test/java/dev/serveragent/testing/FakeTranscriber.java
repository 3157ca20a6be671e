package dev.serveragent.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OpenAI-compatible {@code POST /v1/audio/transcriptions} on 127.0.0.1: records each multipart
 * request (authorization header, the {@code model} field, the uploaded file name and bytes) and
 * answers {@code {"text": ...}}, or the statuses queued with {@link #failNext}.
 */
public final class FakeTranscriber implements AutoCloseable {
    /** One request as received. */
    public record Request(String authorization, String contentType, String model, String fileName, byte[] file) {}

    private record Answer(int status, String body) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Answer> queued = new ConcurrentLinkedQueue<>();
    private volatile String text = "hello from a voice message";
    private volatile java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(0);

    private FakeTranscriber() {
        server = LoopbackHttp.serve("/v1/audio/transcriptions", this::handle);
    }

    public static FakeTranscriber start() {
        return new FakeTranscriber();
    }

    /** The value for {@code TRANSCRIBE_URL}. */
    public String url() {
        return LoopbackHttp.url(server) + "/v1/audio/transcriptions";
    }

    public void transcript(String text) {
        this.text = text;
    }

    /** The next {@code times} requests answer {@code status} with an OpenAI-style error body. */
    public void failNext(int times, int status) {
        for (int i = 0; i < times; i++) {
            queued.add(new Answer(status, "{\"error\":{\"message\":\"fake failure\",\"type\":\"server_error\"}}"));
        }
    }

    /** Requests from now on are answered only after {@link #release()} (or a minute): a transcription in progress. */
    public void hold() {
        held = new java.util.concurrent.CountDownLatch(1);
    }

    public void release() {
        held.countDown();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            byte[] body = ex.getRequestBody().readAllBytes();
            requests.add(parse(ex.getRequestHeaders().getFirst("Authorization"), type, body));
            try {
                held.await(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Answer a = queued.poll();
            if (a == null) {
                a = new Answer(200, "{\"text\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(text) + "}");
            }
            LoopbackHttp.send(ex, a.status(), "application/json", a.body());
        }
    }

    /** A small multipart/form-data reader: enough to see the fields a client sent. */
    static Request parse(String authorization, String contentType, byte[] body) {
        String boundary = contentType == null ? "" : contentType.replaceFirst(".*boundary=", "").replace("\"", "");
        String latin = new String(body, StandardCharsets.ISO_8859_1); // 1 byte per char: indexes are byte offsets
        String model = null;
        String fileName = null;
        byte[] file = null;
        for (String part : latin.split("--" + java.util.regex.Pattern.quote(boundary))) {
            int headerEnd = part.indexOf("\r\n\r\n");
            if (headerEnd < 0) {
                continue;
            }
            String headers = part.substring(0, headerEnd);
            String content = part.substring(headerEnd + 4, part.length() - (part.endsWith("\r\n") ? 2 : 0));
            if (headers.contains("name=\"model\"")) {
                model = content;
            } else if (headers.contains("name=\"file\"")) {
                var m = java.util.regex.Pattern.compile("filename=\"([^\"]*)\"").matcher(headers);
                fileName = m.find() ? m.group(1) : null;
                file = content.getBytes(StandardCharsets.ISO_8859_1);
            }
        }
        return new Request(authorization, contentType, model, fileName, file);
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
