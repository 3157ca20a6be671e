import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Anthropic Messages API ({@code POST /v1/messages}) for the acknowledgement benchmark, on
 * 127.0.0.1 only. Answers every request at once with a real Messages API response whose one text
 * block is a valid classification (the structured output the classifier asks for), usage
 * included. For profiling it records when the request for each benchmark chat arrived (the chat id
 * is read from the "bench-chat-N" marker in the message text): {@code GET /bench/calls} lists
 * "chat_id epoch_nanos" lines. Exits by itself after {@code lifetimeSeconds}.
 *
 * <p>Usage: {@code java -cp target/server-agent.jar bench/ack/FakeAnthropic.java <port> <lifetimeSeconds>}
 */
public class FakeAnthropic {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CHAT = Pattern.compile("bench-chat-(\\d+)");
    private static final Map<Long, Long> firstCall = new ConcurrentHashMap<>();
    private static final AtomicLong requests = new AtomicLong();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long lifetime = Long.parseLong(args[1]);
        String classification = JSON.createObjectNode().put("intent", "question")
                .put("summary", "you asked how the benchmark is going").put("plan", "answer with the current figures")
                .put("needs_confirmation", true).put("confidence", 0.9).toString();
        ObjectNode m = JSON.createObjectNode();
        m.put("id", "msg_01BenchFakeAnthropic");
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", "claude-haiku-4-5-20251001");
        m.putArray("content").addObject().put("type", "text").put("text", classification);
        m.put("stop_reason", "end_turn");
        m.putNull("stop_sequence");
        m.putObject("usage").put("input_tokens", 412).put("output_tokens", 48)
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0).put("service_tier", "standard");
        byte[] answer = m.toString().getBytes(StandardCharsets.UTF_8);

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/messages", ex -> {
            try (ex) {
                long arrived = epochNanos();
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.incrementAndGet();
                Matcher chat = CHAT.matcher(body);
                if (chat.find()) {
                    firstCall.putIfAbsent(Long.parseLong(chat.group(1)), arrived);
                }
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.getResponseHeaders().set("request-id", "req_bench");
                ex.sendResponseHeaders(200, answer.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(answer);
                }
            }
        });
        server.createContext("/bench/calls", ex -> {
            try (ex) {
                StringBuilder sb = new StringBuilder();
                firstCall.forEach((c, at) -> sb.append(c).append(' ').append(at).append('\n'));
                byte[] out = sb.toString().getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream o = ex.getResponseBody()) {
                        o.write(out);
                    }
                }
            }
        });
        server.start();
        System.out.println("fake anthropic on 127.0.0.1:" + port);
        Thread.sleep(lifetime * 1000);
        System.out.println("fake anthropic: lifetime over after " + requests.get() + " requests, exiting");
        System.exit(0);
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
