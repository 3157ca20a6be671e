package dev.serveragent.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Bot API that records {@code sendMessage} calls (JSON or form-urlencoded, as both client
 * libraries send them), bound to 127.0.0.1. {@code failing(true)} makes it answer 500.
 */
final class FakeTelegram implements AutoCloseable {
    static final String TOKEN = "123456:fake-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Sent(long chatId, String text) {}

    private final HttpServer server;
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private volatile boolean failing;

    FakeTelegram() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/bot" + TOKEN + "/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Sent> sent() {
        return List.copyOf(sent);
    }

    void failing(boolean f) {
        failing = f;
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestURI().getPath().replaceFirst(".*/", "");
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> params = parse(ex.getRequestHeaders().getFirst("Content-Type"), body);
        String answer;
        int status = 200;
        if (failing) {
            status = 500;
            answer = "{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}";
        } else if (method.equalsIgnoreCase("sendMessage")) {
            sent.add(new Sent(Long.parseLong(params.get("chat_id")), params.get("text")));
            answer = "{\"ok\":true,\"result\":{\"message_id\":" + sent.size() + ",\"date\":0,\"chat\":{\"id\":"
                    + params.get("chat_id") + ",\"type\":\"private\"},\"text\":\"\"}}";
        } else {
            status = 404;
            answer = "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}";
        }
        byte[] out = answer.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    private static Map<String, String> parse(String contentType, String body) throws IOException {
        Map<String, String> params = new HashMap<>();
        if (contentType != null && contentType.startsWith("application/json")) {
            JsonNode n = JSON.readTree(body);
            n.properties().forEach(e -> params.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        } else {
            for (String kv : body.split("&")) {
                String[] p = kv.split("=", 2);
                if (p.length == 2) {
                    params.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), URLDecoder.decode(p[1], StandardCharsets.UTF_8));
                }
            }
        }
        return params;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
