package dev.serveragent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Telegram Bot API server on 127.0.0.1 speaking the real wire protocol:
 * {@code POST /bot{token}/{method}} with form-urlencoded or JSON bodies (method names
 * case-insensitive), answering {@code {"ok":true,"result":...}}; {@code GET /file/bot{token}/{path}}
 * for downloads. Records every call (method + params). getUpdates serves a queue with Telegram's
 * offset semantics (asking with an offset confirms, and forgets, everything below it). Tests can
 * make the next N calls of a method answer 429 with {@code retry_after} or a 5xx, {@linkplain
 * #misbehave misbehave on the wire} after doing them, {@linkplain #hold hold} their answers back, or
 * take the whole API {@linkplain #down down}.
 *
 * <pre>{@code
 * try (FakeTelegram tg = FakeTelegram.start("123:abc")) {
 *     env.put("TELEGRAM_API_URL", tg.url());
 *     ... tg.calls("sendMessage") ...
 * }
 * }</pre>
 */
public final class FakeTelegram implements AutoCloseable {
    /**
     * One recorded call (failed ones too). JSON values that are not strings are kept as their JSON
     * text; the file parts of a multipart upload ({@code sendDocument}, {@code sendPhoto}) are in
     * {@code files} by field name.
     */
    public record Call(String method, Map<String, String> params, Instant at, Map<String, Upload> files) {
        public Call(String method, Map<String, String> params, Instant at) {
            this(method, params, at, Map.of());
        }

        public String param(String name) {
            return params.get(name);
        }

        public Upload file(String field) {
            return files.get(field);
        }
    }

    /** A file part of a multipart request: its file name, content type and bytes. */
    public record Upload(String fileName, String contentType, byte[] bytes) {}

    /** Telegram's limits for a bot's uploads (Bot API "Sending files"). */
    public static final long MAX_PHOTO_BYTES = 10L * 1024 * 1024;
    public static final long MAX_DOCUMENT_BYTES = 50L * 1024 * 1024;

    private record Failure(int status, int retryAfter, String description, Wire wire) {
        Failure(int status, int retryAfter, String description) {
            this(status, retryAfter, description, null);
        }
    }

    /** Ways an answer can go wrong on the wire, after the request was read in full. */
    public enum Wire {
        /** 200 with an HTML page (a proxy or captive portal). */
        HTML_200,
        /** 200 with the real answer cut off half way. */
        TRUNCATED_200,
        /** 200 with an empty body. */
        EMPTY_200,
        /** 502 with a proxy's HTML page. */
        HTML_502,
        /** 503 with a proxy's HTML page. */
        HTML_503,
        /** The connection is closed without an answer. */
        CLOSED,
        /** No answer at all until the client gives up (or the fake closes). */
        SILENT
    }

    /** Method name for {@link #tooManyRequests} and {@link #serverError} meaning "whatever is called next". */
    public static final String ANY = "*";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final String token;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<JsonNode> updates = new ArrayList<>();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();   // file_id -> bytes
    private final Map<String, String> filePaths = new ConcurrentHashMap<>(); // file_id -> file_path
    private final Map<String, List<Failure>> failures = new ConcurrentHashMap<>();
    private final AtomicLong nextMessageId = new AtomicLong(1000);
    private final AtomicLong downloads = new AtomicLong();
    private volatile boolean down;
    private final Map<String, java.util.concurrent.CountDownLatch> holds = new ConcurrentHashMap<>();
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

    private FakeTelegram(String token) {
        this.token = token;
        server = LoopbackHttp.serve("/", this::handle);
    }

    public static FakeTelegram start(String token) {
        return new FakeTelegram(token);
    }

    /** The value for {@code TELEGRAM_API_URL}. */
    public String url() {
        return LoopbackHttp.url(server);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equalsIgnoreCase(method)).toList();
    }

    /** Queues an update for getUpdates (it gets no update_id of its own: give it one). */
    public synchronized void queueUpdate(String updateJson) {
        try {
            updates.add(JSON.readTree(updateJson));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        notifyAll();
    }

    /** Updates still held (not yet confirmed by a later offset). */
    public synchronized int heldUpdates() {
        return updates.size();
    }

    /** Serves {@code bytes} for getFile(fileId) at {@code filePath}. */
    public void addFile(String fileId, String filePath, byte[] bytes) {
        files.put(fileId, bytes);
        filePaths.put(fileId, filePath);
    }

    public long downloads() {
        return downloads.get();
    }

    /** The next {@code times} calls of {@code method} answer 429 with {@code retry_after}. */
    public void tooManyRequests(String method, int times, int retryAfterSeconds) {
        addFailures(method, times, new Failure(429, retryAfterSeconds, "Too Many Requests: retry after " + retryAfterSeconds));
    }

    /** The next {@code times} calls of {@code method} answer HTTP {@code status} (5xx). */
    public void serverError(String method, int times, int status) {
        addFailures(method, times, new Failure(status, 0, "Bad Gateway"));
    }

    /** The next {@code times} calls of {@code method} are refused with {@code status} (4xx) and {@code description}. */
    public void refuse(String method, int times, int status, String description) {
        addFailures(method, times, new Failure(status, 0, description));
    }

    /** The next {@code times} calls of {@code method} are read in full, done (a sendMessage is delivered), then answered {@code how}. */
    public void misbehave(String method, int times, Wire how) {
        addFailures(method, times, new Failure(0, 0, how.name(), how));
    }

    /**
     * From now on, calls of {@code method} are recorded and then left unanswered until {@link
     * #release} (or close): the Bot API has the request (a sendMessage may have been delivered) and
     * its answer has not come back.
     */
    public void hold(String method) {
        holds.put(method.toLowerCase(Locale.ROOT), new java.util.concurrent.CountDownLatch(1));
    }

    /** Answers the held calls of {@code method}, and the next ones at once. */
    public void release(String method) {
        java.util.concurrent.CountDownLatch h = holds.remove(method.toLowerCase(Locale.ROOT));
        if (h != null) {
            h.countDown();
        }
    }

    /** While {@code down}, every call answers 500 Internal Server Error: a Bot API that is unreachable for now. */
    public void down(boolean down) {
        this.down = down;
    }

    private synchronized void addFailures(String method, int times, Failure f) {
        List<Failure> list = failures.computeIfAbsent(method.toLowerCase(Locale.ROOT), k -> new CopyOnWriteArrayList<>());
        for (int i = 0; i < times; i++) {
            list.add(f);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String filePrefix = "/file/bot" + token + "/";
            String botPrefix = "/bot" + token + "/";
            if (path.startsWith(filePrefix)) {
                serveFile(ex, path.substring(filePrefix.length()));
                return;
            }
            if (!path.startsWith(botPrefix)) {
                respond(ex, 404, error(404, "Not Found"));
                return;
            }
            String method = path.substring(botPrefix.length());
            Map<String, Upload> uploads = new LinkedHashMap<>();
            Map<String, String> params = params(ex, uploads);
            calls.add(new Call(method, params, Instant.now(), Map.copyOf(uploads)));
            java.util.concurrent.CountDownLatch hold = holds.get(method.toLowerCase(Locale.ROOT));
            if (hold != null) {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (down) {
                respond(ex, 500, error(500, "Internal Server Error"));
                return;
            }
            Failure f = takeFailure(method);
            if (f != null && f.wire() != null) {
                misbehave(ex, f.wire(), answer(method.toLowerCase(Locale.ROOT), params));
                return;
            }
            if (f != null) {
                ObjectNode body = error(f.status(), f.description());
                if (f.status() == 429) {
                    body.putObject("parameters").put("retry_after", f.retryAfter());
                }
                respond(ex, f.status(), body);
                return;
            }
            ObjectNode answer = method.equalsIgnoreCase("sendDocument") || method.equalsIgnoreCase("sendPhoto")
                    ? fileAnswer(method.toLowerCase(Locale.ROOT), params, uploads) : answer(method.toLowerCase(Locale.ROOT), params);
            respond(ex, answer.path("ok").asBoolean() ? 200 : answer.path("error_code").asInt(400), answer);
        }
    }

    private void misbehave(HttpExchange ex, Wire how, ObjectNode answer) throws IOException {
        switch (how) {
            case HTML_200 -> LoopbackHttp.send(ex, 200, "text/html", "<html><body>Welcome to our network</body></html>");
            case TRUNCATED_200 -> LoopbackHttp.send(ex, 200, "application/json", answer.toString().substring(0, answer.toString().length() / 2));
            case EMPTY_200 -> LoopbackHttp.send(ex, 200, "application/json", "");
            case HTML_502 -> LoopbackHttp.send(ex, 502, "text/html", "<html><body>502 Bad Gateway</body></html>");
            case HTML_503 -> LoopbackHttp.send(ex, 503, "text/html", "<html><body>503 Service Unavailable</body></html>");
            case CLOSED -> { } // closing the exchange before any answer closes the connection
            case SILENT -> {
                try {
                    closed.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * sendDocument and sendPhoto as Telegram answers them: the file must come as a multipart part
     * named like the method's field (or be a file id or URL, which this fake does not serve); a
     * document over 50 MB is refused with 413, a photo over 10 MB or whose bytes are not a JPEG,
     * PNG or WebP picture with 400.
     */
    private ObjectNode fileAnswer(String method, Map<String, String> p, Map<String, Upload> uploads) {
        String field = method.equals("sendphoto") ? "photo" : "document";
        Upload up = uploads.get(field);
        if (up == null) {
            return error(400, "Bad Request: there is no " + field + " in the request");
        }
        if (up.bytes().length == 0) {
            return error(400, "Bad Request: file must be non-empty");
        }
        if (field.equals("document") && up.bytes().length > MAX_DOCUMENT_BYTES) {
            return error(413, "Request Entity Too Large");
        }
        if (field.equals("photo") && (up.bytes().length > MAX_PHOTO_BYTES || !picture(up.bytes()))) {
            return error(400, "Bad Request: IMAGE_PROCESS_FAILED");
        }
        if (p.containsKey("caption") && p.get("caption").length() > 1024) {
            return error(400, "Bad Request: message caption is too long");
        }
        ObjectNode ok = JSON.createObjectNode().put("ok", true);
        ObjectNode m = ok.putObject("result");
        m.put("message_id", nextMessageId.incrementAndGet());
        m.put("date", Instant.now().getEpochSecond());
        m.putObject("chat").put("id", Long.parseLong(p.get("chat_id"))).put("type", "private");
        m.putObject("from").put("id", 7000000001L).put("is_bot", true).put("first_name", "Server Agent");
        String fileId = "sent-" + m.path("message_id").asLong();
        if (field.equals("photo")) {
            m.putArray("photo").addObject().put("file_id", fileId).put("file_unique_id", "u" + fileId)
                    .put("width", 1).put("height", 1).put("file_size", up.bytes().length);
        } else {
            m.putObject("document").put("file_id", fileId).put("file_unique_id", "u" + fileId)
                    .put("file_name", up.fileName()).put("mime_type", up.contentType()).put("file_size", up.bytes().length);
        }
        if (p.containsKey("caption")) {
            m.put("caption", p.get("caption"));
        }
        return ok;
    }

    private static boolean picture(byte[] b) {
        boolean jpeg = b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
        boolean png = b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
        boolean webp = b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P';
        return jpeg || png || webp;
    }

    private synchronized Failure takeFailure(String method) {
        for (String key : List.of(method.toLowerCase(Locale.ROOT), ANY)) {
            List<Failure> pending = failures.get(key);
            if (pending != null && !pending.isEmpty()) {
                return pending.remove(0);
            }
        }
        return null;
    }

    private ObjectNode answer(String method, Map<String, String> p) {
        ObjectNode ok = JSON.createObjectNode().put("ok", true);
        switch (method) {
            case "sendmessage" -> {
                String refused = refusedText(p.getOrDefault("text", ""), p.get("entities"));
                if (refused != null) {
                    return error(400, "Bad Request: " + refused);
                }
                ObjectNode m = ok.putObject("result");
                m.put("message_id", nextMessageId.incrementAndGet());
                m.put("date", Instant.now().getEpochSecond());
                m.putObject("chat").put("id", Long.parseLong(p.get("chat_id"))).put("type", "private");
                m.putObject("from").put("id", 7000000001L).put("is_bot", true).put("first_name", "Server Agent");
                m.put("text", p.get("text"));
            }
            case "editmessagetext", "editmessagereplymarkup" -> {
                // For chat messages Telegram answers with the edited Message.
                ObjectNode m = ok.putObject("result");
                m.put("message_id", Long.parseLong(p.getOrDefault("message_id", "0")));
                m.put("date", Instant.now().getEpochSecond());
                m.put("edit_date", Instant.now().getEpochSecond());
                m.putObject("chat").put("id", Long.parseLong(p.getOrDefault("chat_id", "0"))).put("type", "private");
                if (p.containsKey("text")) {
                    m.put("text", p.get("text"));
                }
            }
            case "getfile" -> {
                String id = p.get("file_id");
                if (!files.containsKey(id)) {
                    return error(400, "Bad Request: invalid file_id");
                }
                if (files.get(id).length > 20 * 1024 * 1024) {
                    return error(400, "Bad Request: file is too big"); // what Telegram says over its bot limit
                }
                ok.putObject("result").put("file_id", id).put("file_unique_id", "u" + id.hashCode())
                        .put("file_size", files.get(id).length).put("file_path", filePaths.get(id));
            }
            case "getupdates" -> ok.set("result", pollUpdates(p));
            case "getme" -> ok.putObject("result").put("id", 7000000001L).put("is_bot", true).put("first_name", "Server Agent")
                    .put("username", "server_agent_bot");
            default -> ok.put("result", true);
        }
        return ok;
    }

    /**
     * What the Bot API says of a text it refuses (too long, entities it cannot read or that leave
     * the text, counted in UTF-16 units), or null. Lengths as Java counts them are UTF-16.
     */
    private static String refusedText(String text, String entities) {
        if (text.isBlank()) {
            return "message text is empty";
        }
        if (text.length() > 4096) {
            return "message is too long";
        }
        if (entities == null) {
            return null;
        }
        try {
            JsonNode list = JSON.readTree(entities);
            if (!list.isArray()) {
                return "can't parse entities: an array is expected";
            }
            for (JsonNode e : list) {
                int offset = e.path("offset").asInt(-1);
                int length = e.path("length").asInt(-1);
                if (!e.path("type").isTextual() || offset < 0 || length < 0) {
                    return "can't parse entities: wrong entity " + e;
                }
                if (offset + length > text.length()) {
                    return "entity beginning at UTF-16 offset " + offset + " ends after the end of the text at UTF-16 offset " + text.length();
                }
            }
            return null;
        } catch (IOException e) {
            return "can't parse entities JSON object";
        }
    }

    private synchronized JsonNode pollUpdates(Map<String, String> p) {
        long offset = p.containsKey("offset") ? Long.parseLong(p.get("offset")) : 0;
        for (Iterator<JsonNode> it = updates.iterator(); it.hasNext(); ) {
            if (it.next().path("update_id").asLong() < offset) {
                it.remove(); // confirmed: Telegram forgets it
            }
        }
        long deadline = System.currentTimeMillis() + Math.min(300, 1000L * Long.parseLong(p.getOrDefault("timeout", "0")));
        while (updates.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        var result = JSON.createArrayNode();
        updates.forEach(result::add);
        return result;
    }

    private void serveFile(HttpExchange ex, String filePath) throws IOException {
        for (var e : filePaths.entrySet()) {
            if (e.getValue().equals(filePath)) {
                downloads.incrementAndGet();
                byte[] bytes = files.get(e.getKey());
                ex.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
                return;
            }
        }
        ex.sendResponseHeaders(404, -1);
    }

    private static Map<String, String> params(HttpExchange ex, Map<String, Upload> uploads) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String query = ex.getRequestURI().getRawQuery();
        if (query != null) {
            parseForm(query, out);
        }
        byte[] raw = ex.getRequestBody().readAllBytes();
        String contentType = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
        String type = contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("multipart/form-data")) {
            parseMultipart(raw, contentType, out, uploads);
            return out;
        }
        String body = new String(raw, StandardCharsets.UTF_8);
        if (type.contains("json") && !body.isBlank()) {
            JSON.readTree(body).properties().forEach(e ->
                    out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        } else if (!body.isBlank()) {
            parseForm(body, out);
        }
        return out;
    }

    /** multipart/form-data (RFC 7578): text parts into {@code out}, parts with a file name into {@code uploads}. */
    private static void parseMultipart(byte[] body, String contentType, Map<String, String> out, Map<String, Upload> uploads) {
        java.util.regex.Matcher b = java.util.regex.Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (!b.find()) {
            throw new IllegalArgumentException("multipart without a boundary");
        }
        byte[] delimiter = ("--" + b.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        int at = indexOf(body, delimiter, 0);
        while (at >= 0) {
            int start = at + delimiter.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                return; // the closing delimiter
            }
            start += 2; // CRLF after the delimiter
            int next = indexOf(body, delimiter, start);
            if (next < 0) {
                return;
            }
            int end = next - 2; // the CRLF before the next delimiter
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            String headers = new String(body, start, headersEnd - start, StandardCharsets.UTF_8);
            byte[] content = java.util.Arrays.copyOfRange(body, headersEnd + 4, end);
            String name = headerParam(headers, "name");
            String fileName = headerParam(headers, "filename");
            if (fileName != null) {
                java.util.regex.Matcher t = java.util.regex.Pattern.compile("(?im)^content-type:\\s*(.+)$").matcher(headers);
                uploads.put(name, new Upload(fileName, t.find() ? t.group(1).strip() : null, content));
            } else if (name != null) {
                out.put(name, new String(content, StandardCharsets.UTF_8));
            }
            at = next;
        }
    }

    private static String headerParam(String headers, String param) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)[; ]" + param + "=\"([^\"]*)\"").matcher(headers);
        return m.find() ? m.group(1) : null;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void parseForm(String form, Map<String, String> out) {
        for (String kv : form.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            String[] p = kv.split("=", 2);
            out.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), p.length == 2 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
        }
    }

    private static ObjectNode error(int code, String description) {
        return JSON.createObjectNode().put("ok", false).put("error_code", code).put("description", description);
    }

    private static void respond(HttpExchange ex, int status, JsonNode body) throws IOException {
        LoopbackHttp.send(ex, status, "application/json", body.toString());
    }

    @Override
    public void close() {
        closed.countDown();
        List.copyOf(holds.keySet()).forEach(this::release);
        server.stop(0);
    }
}
