package dev.serveragent.claude;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns Claude Code's stream-json lines into {@link ClaudeEvent}s and keeps what the run's
 * result needs: session id, cumulative usage, the result line, the last assistant text.
 * One line may yield several events (an assistant message with text and tool calls). Not
 * thread-safe: owned by the run's reader thread.
 */
final class StreamParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UsageTracker usage = new UsageTracker();
    private Optional<String> sessionId = Optional.empty();
    private Optional<ClaudeEvent.Result> result = Optional.empty();
    private String lastText = "";

    /** A line that is not a stream-json event. */
    static final class MalformedLineException extends Exception {
        MalformedLineException(String message) {
            super(message);
        }
    }

    List<ClaudeEvent> parse(String line) throws MalformedLineException {
        if (line.isBlank()) {
            return List.of();
        }
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new MalformedLineException("not JSON: " + excerpt(line));
        }
        if (n == null || !n.isObject() || !n.path("type").isTextual()) {
            throw new MalformedLineException("not a stream-json event (no \"type\"): " + excerpt(line));
        }
        if (n.path("session_id").isTextual()) {
            sessionId = Optional.of(n.path("session_id").asText());
        }
        String type = n.path("type").asText();
        String subtype = n.path("subtype").asText("");
        return switch (type) {
            case "system" -> List.of(subtype.equals("init")
                    ? new ClaudeEvent.Init(n.path("session_id").asText(""), text(n, "model"))
                    : new ClaudeEvent.Other(subtype.isEmpty() ? type : type + "/" + subtype));
            case "assistant" -> assistant(n.path("message"));
            case "user" -> user(n.path("message"));
            case "result" -> List.of(result(n, subtype));
            default -> List.of(new ClaudeEvent.Other(type));
        };
    }

    private List<ClaudeEvent> assistant(JsonNode message) {
        if (message.has("usage")) {
            usage.record(message.path("id").asText(null), usage(message.path("usage")));
        }
        List<ClaudeEvent> out = new ArrayList<>();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText("")) {
                case "text" -> {
                    lastText = block.path("text").asText("");
                    out.add(new ClaudeEvent.AssistantText(lastText, usage.total()));
                }
                case "tool_use" -> out.add(new ClaudeEvent.ToolUse(block.path("name").asText(""),
                        block.path("input").toString(), usage.total()));
                default -> { } // thinking and other blocks: their usage is counted above
            }
        }
        return out.isEmpty() ? List.of(new ClaudeEvent.Other("assistant")) : out;
    }

    private static List<ClaudeEvent> user(JsonNode message) {
        List<ClaudeEvent> out = new ArrayList<>();
        for (JsonNode block : message.path("content")) {
            if (block.path("type").asText("").equals("tool_result")) {
                out.add(new ClaudeEvent.ToolResult(block.path("tool_use_id").asText(""), block.path("is_error").asBoolean(false)));
            }
        }
        return out.isEmpty() ? List.of(new ClaudeEvent.Other("user")) : out;
    }

    private ClaudeEvent.Result result(JsonNode n, String subtype) {
        // The result's usage is authoritative; modelUsage also counts sub-agents and background
        // models, so when it adds up to more, it is the truer figure.
        Usage reported = n.has("usage") ? usage(n.path("usage")) : usage.total();
        Usage perModel = Usage.ZERO;
        for (JsonNode m : n.path("modelUsage")) {
            perModel = perModel.plus(new Usage(m.path("inputTokens").asLong(0), m.path("outputTokens").asLong(0),
                    m.path("cacheCreationInputTokens").asLong(0), m.path("cacheReadInputTokens").asLong(0)));
        }
        Usage finalUsage = perModel.totalTokens() > reported.totalTokens() ? perModel : reported;
        ClaudeEvent.Result r = new ClaudeEvent.Result(subtype, n.path("is_error").asBoolean(false),
                n.path("result").asText(""), n.path("session_id").asText(sessionId.orElse("")),
                n.path("num_turns").asInt(0), n.path("duration_ms").asLong(0), n.path("total_cost_usd").asDouble(0),
                finalUsage);
        result = Optional.of(r);
        return r;
    }

    static Usage usage(JsonNode u) {
        return new Usage(u.path("input_tokens").asLong(0), u.path("output_tokens").asLong(0),
                u.path("cache_creation_input_tokens").asLong(0), u.path("cache_read_input_tokens").asLong(0));
    }

    private static Optional<String> text(JsonNode n, String field) {
        return n.path(field).isTextual() ? Optional.of(n.path(field).asText()) : Optional.empty();
    }

    static String excerpt(String line) {
        String s = line.strip();
        return s.length() <= 200 ? s : s.substring(0, 200) + "… (" + s.length() + " chars)";
    }

    /** Usage reported so far: the result's once it has come, else the sum over assistant messages. */
    Usage usageSoFar() {
        return result.map(ClaudeEvent.Result::usage).orElse(usage.total());
    }

    Optional<String> sessionId() {
        return sessionId;
    }

    Optional<ClaudeEvent.Result> result() {
        return result;
    }

    String lastAssistantText() {
        return lastText;
    }
}
