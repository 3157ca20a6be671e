package dev.serveragent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A browser's view of the console over plain HTTP: a cookie jar, the CSRF token read from the
 * page, JSON posts, and the live feed read as Server-Sent Events. For tests of rules and flows;
 * the browser tests drive the real page in Chromium.
 */
public final class ConsoleClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private String csrf;
    private InputStream feed;
    private volatile String state = "";

    public ConsoleClient(URI base) {
        this.base = base;
    }

    public static ConsoleClient of(TestApp app) {
        return new ConsoleClient(app.uri(""));
    }

    /** Loads {@code /console} (starting a session) and keeps its CSRF token. */
    public HttpResponse<String> open() {
        HttpResponse<String> page = get("/console");
        Matcher m = CSRF.matcher(page.body());
        if (m.find()) {
            csrf = m.group(1);
        }
        return page;
    }

    /** Logs in with the admin token (the cookie jar keeps the session); returns the response. */
    public HttpResponse<String> login(String token) {
        return send(HttpRequest.newBuilder(base.resolve("/login"))
                .POST(HttpRequest.BodyPublishers.ofString("token=" + java.net.URLEncoder.encode(token, StandardCharsets.UTF_8) + "&next=%2Fconsole"))
                .header("Content-Type", "application/x-www-form-urlencoded").build());
    }

    public String csrf() {
        return csrf;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).GET();
        headers.forEach(b::header);
        return send(b.build());
    }

    /** POSTs JSON with the page's CSRF token (when one was read). */
    public HttpResponse<String> post(String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return send(b.build());
    }

    /** Sends a message as the page does; fails unless it is stored. */
    public long say(String text) {
        HttpResponse<String> r = post("/console/api/messages", JSON.createObjectNode().put("text", text).toString());
        if (r.statusCode() != 200) {
            throw new AssertionError("console answered " + r.statusCode() + ": " + r.body());
        }
        return json(r.body()).path("message_id").asLong();
    }

    /**
     * Uploads a file as the page does (multipart {@code file}, optional {@code text} caption) with
     * the page's CSRF token; returns the response as it is.
     */
    public HttpResponse<String> upload(String fileName, String contentType, byte[] bytes, String caption) {
        return upload(fileName, contentType, bytes, caption, null);
    }

    /** As {@link #upload(String, String, byte[], String)}, with the page's {@code nonce} field (null: none). */
    public HttpResponse<String> upload(String fileName, String contentType, byte[] bytes, String caption, String nonce) {
        String boundary = "----console-test-" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        java.util.function.Consumer<String> text = t -> body.writeBytes(t.getBytes(StandardCharsets.UTF_8));
        if (caption != null) {
            text.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n" + caption + "\r\n");
        }
        if (nonce != null) {
            text.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"nonce\"\r\n\r\n" + nonce + "\r\n");
        }
        text.accept("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: " + contentType + "\r\n\r\n");
        body.writeBytes(bytes);
        text.accept("\r\n--" + boundary + "--\r\n");
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/console/api/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary);
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return send(b.build());
    }

    /** Where the conversation stands, as the live feed last said ({@code working}, {@code answered}, ...); empty before any. */
    public String state() {
        return state;
    }

    /** Presses a button by its data; returns the answer text. */
    public String press(String data) {
        HttpResponse<String> r = post("/console/api/press", JSON.createObjectNode().put("data", data).toString());
        if (r.statusCode() != 200) {
            throw new AssertionError("console answered " + r.statusCode() + ": " + r.body());
        }
        return json(r.body()).path("answer").asText();
    }

    public JsonNode history() {
        HttpResponse<String> r = get("/console/api/history");
        if (r.statusCode() != 200) {
            throw new AssertionError("history answered " + r.statusCode() + ": " + r.body());
        }
        return json(r.body());
    }

    /** The newest version of each message in the history, waited for until one matches. */
    public JsonNode awaitMessage(Predicate<JsonNode> match) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (JsonNode m : history().path("messages")) {
                if (match.test(m)) {
                    return m;
                }
            }
            return null;
        }, m -> m != null);
    }

    /** Opens the live feed; events are collected in {@link #events()}. */
    public void listen(long after) {
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(base.resolve("/console/events?after=" + after))
                    .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                throw new AssertionError("events answered " + r.statusCode());
            }
            feed = r.body();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(feed, StandardCharsets.UTF_8))) {
                    String line;
                    String event = "message";
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("event:")) {
                            event = line.substring(6).trim();
                        } else if (line.startsWith("data:") && event.equals("state")) {
                            state = json(line.substring(5).trim()).path("state").asText();
                        } else if (line.startsWith("data:")) {
                            events.add(json(line.substring(5).trim()));
                        } else if (line.isEmpty()) {
                            event = "message";
                        }
                    }
                } catch (IOException e) {
                    // closed by close()
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public List<JsonNode> events() {
        return events;
    }

    public JsonNode awaitEvent(Predicate<JsonNode> match) {
        return Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> events.stream().filter(match).findFirst().orElse(null), e -> e != null);
    }

    /** {@code path} on this console's server. */
    public URI uri(String path) {
        return base.resolve(path);
    }

    /** Sends with this client's session, keeping the body as bytes (a download). */
    public HttpResponse<byte[]> sendBytes(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    @Override
    public void close() {
        if (feed != null) {
            try {
                feed.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
