import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model peers of the soak, on 127.0.0.1 only, answering at once:
 * <ul>
 * <li>{@code POST /v1/messages} (Anthropic Messages API). With an image block it is the image
 * description: the answer is the {@code {description, text, objects}} JSON naming the image's
 * {@code soak-uN} marker (read from the decoded image bytes). Otherwise it is Haiku's
 * classification of the "Message to classify" at the end of the prompt: summary naming that
 * message's marker (so each acknowledgement can be told apart at the fake Telegram),
 * {@code needs_confirmation} when the message (or its transcript) says {@code [confirm]},
 * intent {@code command} then, else {@code question}. Usage included.</li>
 * <li>{@code POST /v1/audio/transcriptions} (OpenAI-compatible, multipart): {@code {"text": ...}}
 * with the marker found in the uploaded audio bytes.</li>
 * </ul>
 * {@code GET /soak/stats} counts requests by kind. Exits by itself after {@code lifetimeSeconds}.
 *
 * <p>Usage: {@code java -cp target/server-agent.jar bench/soak/SoakModels.java <port> <lifetimeSeconds>}
 */
public class SoakModels {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MARKER = Pattern.compile("soak-u\\d+");
    private static final Pattern IMAGE_DATA = Pattern.compile("\"data\"\\s*:\\s*\"([A-Za-z0-9+/=]+)\"");
    private static final String TRIGGER = "Message to classify (id ";
    private static final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long lifetime = Long.parseLong(args[1]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/messages", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String text = body.contains("\"type\":\"image\"") ? describe(body) : classify(body);
                ex.getResponseHeaders().set("request-id", "req_soak");
                send(ex, messagesResponse(text));
            }
        });
        server.createContext("/v1/audio/transcriptions", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1);
                count("transcribe");
                send(ex, JSON.createObjectNode().put("text", "please check the free disk space " + marker(body)).toString());
            }
        });
        server.createContext("/soak/stats", ex -> {
            try (ex) {
                StringBuilder sb = new StringBuilder();
                new TreeMap<>(counters).forEach((k, v) -> sb.append(k).append(' ').append(v.get()).append('\n'));
                send(ex, sb.toString());
            }
        });
        server.start();
        System.out.println("soak models on 127.0.0.1:" + port);
        Thread.sleep(lifetime * 1000);
        System.out.println("soak models: lifetime over, exiting");
        System.exit(0);
    }

    private static String classify(String body) {
        count("classify");
        int at = body.lastIndexOf(TRIGGER);
        String trigger = at < 0 ? body : body.substring(at);
        boolean confirm = trigger.contains("[confirm]");
        String marker = marker(trigger);
        return JSON.createObjectNode()
                .put("intent", confirm ? "command" : "question")
                .put("summary", "you sent " + marker)
                .put("plan", confirm ? "do what " + marker + " asks once you press OK" : "answer " + marker)
                .put("needs_confirmation", confirm)
                .put("confidence", 0.9).toString();
    }

    private static String describe(String body) {
        count("describe");
        Matcher data = IMAGE_DATA.matcher(body);
        String marker = data.find() ? marker(new String(Base64.getDecoder().decode(data.group(1)), StandardCharsets.ISO_8859_1)) : "no-image";
        ObjectNode d = JSON.createObjectNode().put("description", "A terminal window showing " + marker + ".").put("text", "df -h");
        d.putArray("objects").add("terminal");
        return d.toString();
    }

    private static String marker(String s) {
        Matcher m = MARKER.matcher(s);
        if (m.find()) {
            return m.group();
        }
        count("no_marker");
        return "no-marker";
    }

    private static String messagesResponse(String text) {
        ObjectNode m = JSON.createObjectNode();
        m.put("id", "msg_01SoakFakeModels");
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", "claude-haiku-4-5-20251001");
        m.putArray("content").addObject().put("type", "text").put("text", text);
        m.put("stop_reason", "end_turn");
        m.putNull("stop_sequence");
        m.putObject("usage").put("input_tokens", 412).put("output_tokens", 48)
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0).put("service_tier", "standard");
        return m.toString();
    }

    private static void count(String key) {
        counters.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private static void send(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", body.startsWith("{") ? "application/json" : "text/plain");
        ex.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
