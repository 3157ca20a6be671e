package dev.serveragent.console;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.console.ConsoleRepository.Shown;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A message as the console's page receives it (history and live events alike). {@code entities}
 * is the stored Telegram entity array of a rich text (null for a plain one): the page draws it
 * with DOM nodes, never as HTML (console.js, {@code renderRich}). {@code file} is an upload's
 * or a file the agent sent: {@code name}, {@code type}, {@code size}, {@code media} and {@code download}
 * (the path that serves it as an attachment), or null.
 */
record ConsoleJson(long id, long rev, String role, String text, @JsonProperty("created_at") String createdAt,
                   List<Button> buttons, boolean edited, JsonNode entities, JsonNode file) {
    record Button(String text, String data) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    static ConsoleJson of(Shown m) {
        return new ConsoleJson(m.id(), m.rev(), m.role(), m.text() == null ? "" : m.text(), m.createdAt().toString(),
                buttons(m.replyMarkupJson()), m.edited(), json(m.entitiesJson()).filter(JsonNode::isArray).orElse(null),
                json(m.fileJson()).filter(JsonNode::isObject).map(f -> withDownload(f, m.id())).orElse(null));
    }

    /** Where the page downloads the message's file ({@code ConsoleUploadRoutes}, served as an attachment). */
    static String downloadPath(long messageId) {
        return "/console/api/files/" + messageId;
    }

    private static JsonNode withDownload(JsonNode file, long messageId) {
        return ((com.fasterxml.jackson.databind.node.ObjectNode) file.deepCopy()).put("download", downloadPath(messageId));
    }

    private static java.util.Optional<JsonNode> json(String stored) {
        try {
            return java.util.Optional.ofNullable(stored == null ? null : JSON.readTree(stored));
        } catch (IOException e) {
            return java.util.Optional.empty(); // not ours: the message is still right without it
        }
    }

    /** The buttons of a stored Bot API {@code reply_markup}: the same keyboard in both channels. */
    static List<Button> buttons(String replyMarkupJson) {
        List<Button> out = new ArrayList<>();
        if (replyMarkupJson == null) {
            return out;
        }
        try {
            for (JsonNode row : JSON.readTree(replyMarkupJson).path("inline_keyboard")) {
                for (JsonNode b : row) {
                    out.add(new Button(b.path("text").asText(), b.path("callback_data").asText()));
                }
            }
        } catch (IOException e) {
            // A markup we did not write: show the message without buttons.
        }
        return out;
    }
}
