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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake Telegram Bot API for the acknowledgement benchmark, on 127.0.0.1 only:
 * {@code POST /bot{token}/{method}} (form or JSON bodies, as the pengrad client sends them) answers
 * {@code {"ok":true,...}} at once; {@code sendMessage} answers a Message and records, for the first
 * message to each chat, the wall-clock time it arrived (epoch nanoseconds). {@code GET /bench/acks}
 * lists them as "chat_id epoch_nanos" lines, {@code GET /bench/stats} counts calls per method.
 * Exits by itself after {@code lifetimeSeconds}.
 *
 * <p>Usage: {@code java -cp target/server-agent.jar bench/ack/FakeTelegram.java <port> <token> <lifetimeSeconds>}
 */
public class FakeTelegram {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Long, Long> firstAck = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private static final AtomicLong nextMessageId = new AtomicLong(1000);

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String prefix = "/bot" + args[1] + "/";
        long lifetime = Long.parseLong(args[2]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                if (path.equals("/bench/acks")) {
                    StringBuilder sb = new StringBuilder();
                    firstAck.forEach((chat, at) -> sb.append(chat).append(' ').append(at).append('\n'));
                    send(ex, 200, "text/plain", sb.toString());
                } else if (path.equals("/bench/stats")) {
                    StringBuilder sb = new StringBuilder();
                    calls.forEach((m, n) -> sb.append(m).append(' ').append(n.get()).append('\n'));
                    send(ex, 200, "text/plain", sb.toString());
                } else if (path.startsWith(prefix)) {
                    botMethod(ex, path.substring(prefix.length()).toLowerCase(Locale.ROOT));
                } else {
                    send(ex, 404, "application/json", "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}");
                }
            }
        });
        server.start();
        System.out.println("fake telegram on 127.0.0.1:" + port);
        Thread.sleep(lifetime * 1000);
        System.out.println("fake telegram: lifetime over, exiting");
        System.exit(0);
    }

    private static void botMethod(HttpExchange ex, String method) throws IOException {
        long arrived = epochNanos();
        Map<String, String> p = params(ex);
        calls.computeIfAbsent(method, k -> new AtomicLong()).incrementAndGet();
        ObjectNode ok = JSON.createObjectNode().put("ok", true);
        switch (method) {
            case "sendmessage" -> {
                long chat = Long.parseLong(p.get("chat_id"));
                firstAck.putIfAbsent(chat, arrived);
                ObjectNode m = ok.putObject("result");
                m.put("message_id", nextMessageId.incrementAndGet());
                m.put("date", Instant.now().getEpochSecond());
                m.putObject("chat").put("id", chat).put("type", "private");
                m.putObject("from").put("id", 7000000001L).put("is_bot", true).put("first_name", "Server Agent");
                m.put("text", p.getOrDefault("text", ""));
            }
            case "getme" -> ok.putObject("result").put("id", 7000000001L).put("is_bot", true).put("first_name", "Server Agent")
                    .put("username", "server_agent_bot");
            case "getupdates" -> ok.putArray("result");
            default -> ok.put("result", true); // setWebhook, deleteWebhook, answerCallbackQuery, edits...
        }
        send(ex, 200, "application/json", ok.toString());
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
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

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        if (System.getenv("ACK_FAKE_CLOSE") != null) {
            ex.getResponseHeaders().set("Connection", "close");
        }
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
