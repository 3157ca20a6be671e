import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Telegram Bot API for the soak, on 127.0.0.1 only. {@code POST /bot{token}/{method}} (form
 * or JSON bodies) answers like Telegram: {@code sendMessage} and the two edits a Message,
 * {@code getFile} a File whose path names the file id, {@code answerCallbackQuery} true; and
 * {@code GET /file/bot{token}/{path}} serves the file's bytes (they carry the path's
 * {@code soak-uN} marker, so that the fake transcriber and describer can tell whose file it is).
 *
 * <p>It records what the soak checks: every acknowledgement ({@code sendMessage} whose text starts
 * with "Understood:") by the {@code soak-uN} marker in it and by its button's callback data, the
 * text of every press answer, and edits naming a message id it never issued.
 * {@code GET /soak/ack?marker=soak-uN} lists "message_id chat_id callback_data" of that marker's
 * acknowledgements; {@code GET /soak/stats} prints "key value" lines. Exits by itself after
 * {@code lifetimeSeconds}.
 *
 * <p>Usage: {@code java -cp target/server-agent.jar bench/soak/SoakTelegram.java <port> <token> <lifetimeSeconds>}
 */
public class SoakTelegram {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MARKER = Pattern.compile("soak-u\\d+");
    private static final Pattern CALLBACK = Pattern.compile("\"callback_data\"\\s*:\\s*\"([^\"]*)\"");
    private static final String ACK_PREFIX = "Understood:";

    record Ack(long messageId, long chat, String callback) {}

    private static final Map<String, List<Ack>> acksByMarker = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> sendsByCallback = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private static final Set<String> issued = ConcurrentHashMap.newKeySet(); // "chat:message_id"
    private static final AtomicLong nextMessageId = new AtomicLong(1000);

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String token = args[1];
        long lifetime = Long.parseLong(args[2]);
        String botPrefix = "/bot" + token + "/";
        String filePrefix = "/file/bot" + token + "/";
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                if (path.startsWith(botPrefix)) {
                    botMethod(ex, path.substring(botPrefix.length()).toLowerCase(Locale.ROOT));
                } else if (path.startsWith(filePrefix)) {
                    file(ex, path.substring(filePrefix.length()));
                } else if (path.equals("/soak/ack")) {
                    String q = String.valueOf(ex.getRequestURI().getQuery());
                    StringBuilder sb = new StringBuilder();
                    for (Ack a : acksByMarker.getOrDefault(q.replaceFirst("^marker=", ""), List.of())) {
                        sb.append(a.messageId()).append(' ').append(a.chat()).append(' ').append(a.callback()).append('\n');
                    }
                    send(ex, 200, "text/plain", sb.toString().getBytes(StandardCharsets.UTF_8));
                } else if (path.equals("/soak/stats")) {
                    send(ex, 200, "text/plain", stats().getBytes(StandardCharsets.UTF_8));
                } else {
                    send(ex, 404, "application/json", "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8));
                }
            }
        });
        server.start();
        System.out.println("soak telegram on 127.0.0.1:" + port);
        Thread.sleep(lifetime * 1000);
        System.out.println("soak telegram: lifetime over, exiting");
        System.exit(0);
    }

    private static void botMethod(HttpExchange ex, String method) throws IOException {
        Map<String, String> p = params(ex);
        count("calls." + method);
        ObjectNode ok = JSON.createObjectNode().put("ok", true);
        switch (method) {
            case "sendmessage" -> {
                long chat = Long.parseLong(p.get("chat_id"));
                long id = nextMessageId.incrementAndGet();
                issued.add(chat + ":" + id);
                String text = p.getOrDefault("text", "");
                Matcher cb = CALLBACK.matcher(p.getOrDefault("reply_markup", ""));
                String callback = cb.find() ? cb.group(1) : "-";
                if (!callback.equals("-")) {
                    sendsByCallback.computeIfAbsent(callback, k -> new AtomicLong()).incrementAndGet();
                }
                if (text.startsWith(ACK_PREFIX)) {
                    Matcher m = MARKER.matcher(text);
                    acksByMarker.computeIfAbsent(m.find() ? m.group() : "none", k -> new CopyOnWriteArrayList<>())
                            .add(new Ack(id, chat, callback));
                }
                message(ok.putObject("result"), chat, id, text);
            }
            case "editmessagetext", "editmessagereplymarkup" -> {
                long chat = Long.parseLong(p.get("chat_id"));
                long id = Long.parseLong(p.get("message_id"));
                if (!issued.contains(chat + ":" + id)) {
                    count("edits_of_unknown_message");
                }
                message(ok.putObject("result"), chat, id, p.getOrDefault("text", ""));
            }
            case "answercallbackquery" -> {
                count("press_answer." + p.getOrDefault("text", "(none)").replace(' ', '_'));
                ok.put("result", true);
            }
            case "getfile" -> {
                String fileId = p.getOrDefault("file_id", "");
                String dir = fileId.startsWith("voice") ? "voice/" : "photos/";
                ok.putObject("result").put("file_id", fileId).put("file_unique_id", "u" + fileId.hashCode())
                        .put("file_size", 2048).put("file_path", dir + fileId + (dir.equals("voice/") ? ".oga" : ".jpg"));
            }
            case "getme" -> ok.putObject("result").put("id", 7000000001L).put("is_bot", true).put("first_name", "Server Agent")
                    .put("username", "server_agent_bot");
            case "getupdates" -> ok.putArray("result");
            default -> ok.put("result", true); // setWebhook, deleteWebhook, ...
        }
        send(ex, 200, "application/json", ok.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** 2 KiB that start like an Ogg or JPEG file and carry the marker of the path. */
    private static void file(HttpExchange ex, String path) throws IOException {
        count("file_downloads");
        Matcher m = MARKER.matcher(path);
        byte[] body = new byte[2048];
        byte[] head = path.startsWith("voice/") ? "OggS".getBytes(StandardCharsets.US_ASCII) : new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0};
        System.arraycopy(head, 0, body, 0, head.length);
        byte[] marker = (" " + (m.find() ? m.group() : "no-marker") + " ").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(marker, 0, body, 16, marker.length);
        send(ex, 200, "application/octet-stream", body);
    }

    private static void message(ObjectNode m, long chat, long id, String text) {
        m.put("message_id", id);
        m.put("date", Instant.now().getEpochSecond());
        m.putObject("chat").put("id", chat).put("type", "private");
        m.putObject("from").put("id", 7000000001L).put("is_bot", true).put("first_name", "Server Agent");
        m.put("text", text);
    }

    private static String stats() {
        Map<String, Long> out = new java.util.TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.get()));
        out.put("acks", acksByMarker.values().stream().mapToLong(List::size).sum());
        out.put("acks_without_marker", (long) acksByMarker.getOrDefault("none", List.of()).size());
        out.put("ack_markers", (long) acksByMarker.size());
        out.put("ack_markers_sent_twice", acksByMarker.values().stream().filter(l -> l.size() > 1).count());
        out.put("buttons", (long) sendsByCallback.size());
        out.put("buttons_sent_twice", sendsByCallback.values().stream().filter(n -> n.get() > 1).count());
        StringBuilder sb = new StringBuilder();
        out.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
        return sb.toString();
    }

    private static void count(String key) {
        counters.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private static Map<String, String> params(HttpExchange ex) throws IOException {
        Map<String, String> out = new HashMap<>();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).toLowerCase(Locale.ROOT);
        if (type.contains("json") && !body.isBlank()) {
            JsonNode json = JSON.readTree(body);
            json.properties().forEach(e -> out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        } else {
            for (String kv : body.split("&")) {
                String[] p = kv.split("=", 2);
                if (!kv.isEmpty()) {
                    out.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), p.length == 2 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
                }
            }
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, String type, byte[] bytes) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
