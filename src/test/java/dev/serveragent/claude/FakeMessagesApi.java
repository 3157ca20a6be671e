package dev.serveragent.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.serveragent.testing.LoopbackHttp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal Anthropic Messages API on 127.0.0.1 for driving the real Claude Code CLI: streams a
 * one-block text answer over SSE, or answers 401 to the credential {@code bad}. A prompt holding
 * {@code RUN_BASH:<command>} gets a Bash tool call for that command first, and the tool's result
 * is recorded. Records the credential headers it saw.
 */
final class FakeMessagesApi implements AutoCloseable {
    static final String ANSWER = "pong from the fake API";

    record Seen(String path, String authorization, String apiKey) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.concurrent.atomic.AtomicInteger TOOL_IDS = new java.util.concurrent.atomic.AtomicInteger();

    private final HttpServer server;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** The tool_result blocks the CLI sent back, as JSON. */
    final List<JsonNode> toolResults = new CopyOnWriteArrayList<>();
    /** The tools the CLI offered in its last request (names). */
    final List<String> offeredTools = new CopyOnWriteArrayList<>();
    /**
     * When set, the first answer is a call of this tool (name, input JSON) and the answer after its
     * result is {@code "From memory: "} followed by the result's text.
     */
    volatile String[] scriptedTool;
    /**
     * When set, a scripted run of several tool calls: answer N (counting the tool results already in
     * the conversation) is a call of {@code steps.get(N)} (name, input JSON), and after the last
     * result the answer is {@code "Done: "} followed by that result's text.
     */
    volatile List<String[]> scriptedSteps;

    FakeMessagesApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String auth = ex.getRequestHeaders().getFirst("authorization");
        String key = ex.getRequestHeaders().getFirst("x-api-key");
        seen.add(new Seen(ex.getRequestURI().getPath(), auth, key));
        if (ex.getRequestMethod().equals("HEAD")) { // the CLI probes connectivity
            ex.sendResponseHeaders(200, -1);
            ex.close();
        } else if (!ex.getRequestURI().getPath().startsWith("/v1/messages") || !ex.getRequestMethod().equals("POST")) {
            LoopbackHttp.send(ex, 404, "application/json", "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"no\"}}");
        } else if ("bad".equals(key) || "Bearer bad".equals(auth)) {
            LoopbackHttp.send(ex, 401, "application/json", "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}");
        } else {
            LoopbackHttp.send(ex, 200, "text/event-stream", respond(body));
        }
    }

    private String respond(byte[] body) throws IOException {
        JsonNode request = JSON.readTree(body);
        JsonNode messages = request.path("messages");
        if (request.path("tools").size() > 0) {
            offeredTools.clear();
            request.path("tools").forEach(t -> offeredTools.add(t.path("name").asText()));
        }
        JsonNode last = messages.isEmpty() ? JSON.nullNode() : messages.get(messages.size() - 1);
        boolean answered = false;
        for (JsonNode block : last.path("content")) {
            if (block.path("type").asText().equals("tool_result")) {
                toolResults.add(block);
                answered = true;
            }
        }
        List<String[]> steps = scriptedSteps;
        if (steps != null && request.path("tools").size() > 0) { // side requests (no tools) get the plain answer
            int done = 0;
            for (JsonNode m : messages) {
                for (JsonNode block : m.path("content")) {
                    done += block.path("type").asText().equals("tool_result") ? 1 : 0;
                }
            }
            if (done < steps.size()) {
                return toolUse(steps.get(done)[0], steps.get(done)[1]);
            }
            StringBuilder result = new StringBuilder();
            toolResults.get(toolResults.size() - 1).path("content").forEach(c -> result.append(c.path("text").asText()));
            if (result.isEmpty()) {
                result.append(toolResults.get(toolResults.size() - 1).path("content").asText());
            }
            return text("Done: " + result);
        }
        String[] scripted = scriptedTool;
        if (scripted != null) {
            if (!answered) {
                return toolUse(scripted[0], scripted[1]);
            }
            StringBuilder result = new StringBuilder();
            toolResults.get(toolResults.size() - 1).path("content").forEach(c -> result.append(c.path("text").asText()));
            if (result.isEmpty()) {
                result.append(toolResults.get(toolResults.size() - 1).path("content").asText());
            }
            return text("From memory: " + result);
        }
        String text = messages.toString();
        int marker = text.indexOf("RUN_BASH:");
        if (!answered && marker >= 0) {
            String command = text.substring(marker + "RUN_BASH:".length()).split("\\\\n|\"")[0].strip();
            return toolUse(command);
        }
        return sse();
    }

    private static String toolUse(String command) {
        return toolUse("Bash", JSON.createObjectNode().put("command", command).toString());
    }

    private static String text(String answer) {
        return start("msg_fake_text")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
                        + JSON.valueToTree(answer) + "}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":50}}")
                + event("message_stop", "{\"type\":\"message_stop\"}");
    }

    private static String toolUse(String tool, String input) {
        return start("msg_fake_tool")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_fake_" + TOOL_IDS.incrementAndGet() + "\",\"name\":"
                        + JSON.valueToTree(tool) + ",\"input\":{}}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + JSON.valueToTree(input) + "}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":20}}")
                + event("message_stop", "{\"type\":\"message_stop\"}");
    }

    private static String start(String id) {
        return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id + "\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":1000,\"output_tokens\":1,\"cache_creation_input_tokens\":200,\"cache_read_input_tokens\":3000}}}");
    }

    private static String sse() {
        return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_fake_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":1000,\"output_tokens\":1,\"cache_creation_input_tokens\":200,\"cache_read_input_tokens\":3000}}}")
                + event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")
                + event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + ANSWER + "\"}}")
                + event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
                + event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":50}}")
                + event("message_stop", "{\"type\":\"message_stop\"}");
    }

    private static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
