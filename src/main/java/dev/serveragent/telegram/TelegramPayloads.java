package dev.serveragent.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.store.ContextRepository.PayloadReader;
import dev.serveragent.store.ContextRepository.Provenance;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a stored Telegram update ({@code chat_messages.raw_payload}) for the context: whether the
 * message was passed on from someone else, what it quotes or replies to, and its author's name.
 * Thread-safe.
 */
final class TelegramPayloads implements PayloadReader {
    static final TelegramPayloads INSTANCE = new TelegramPayloads();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every way Telegram marks someone else's message passed on. */
    private static final List<String> FORWARD_KEYS = List.of("forward_origin", "forward_from", "forward_sender_name",
            "forward_from_chat", "forward_date");

    @Override
    public Provenance read(String rawPayloadJson) {
        JsonNode raw = parse(rawPayloadJson);
        if (raw == null) {
            return Provenance.NONE;
        }
        // The stored update holds the message under its kind's key.
        JsonNode msg = first(raw.get("message"), raw.get("edited_message"), raw.get("channel_post"), raw.get("edited_channel_post"));
        if (msg == null) {
            return Provenance.NONE;
        }
        boolean forwarded = FORWARD_KEYS.stream().anyMatch(msg::has) || "true".equals(text(msg, "is_automatic_forward"));
        String quoted = coalesce(text(msg, "quote", "text"), text(msg, "reply_to_message", "text"), text(msg, "reply_to_message", "caption"));
        if (quoted == null && msg.has("external_reply")) {
            // A reply to another chat's message carries no text, only where it came from.
            quoted = "a message of another chat (" + coalesce(text(msg, "external_reply", "origin", "sender_user", "first_name"),
                    text(msg, "external_reply", "origin", "sender_user_name"), text(msg, "external_reply", "origin", "sender_chat", "title"),
                    text(msg, "external_reply", "origin", "chat", "title"), text(msg, "external_reply", "chat", "title"), "unknown origin") + ")";
        }
        List<String> names = new ArrayList<>();
        for (String part : new String[] {text(msg, "from", "first_name"), text(msg, "from", "last_name")}) {
            if (part != null) {
                names.add(part);
            }
        }
        String full = String.join(" ", names);
        String author = coalesce(full.isEmpty() ? null : full, text(msg, "from", "username"), text(msg, "sender_chat", "title"));
        return new Provenance(forwarded, quoted, author);
    }

    @Override
    public String senderName(String rawPayloadJson) {
        JsonNode raw = parse(rawPayloadJson);
        return raw == null ? null : coalesce(text(raw, "message", "from", "username"), text(raw, "message", "from", "first_name"));
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(json);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static JsonNode first(JsonNode... nodes) {
        for (JsonNode n : nodes) {
            if (n != null) {
                return n;
            }
        }
        return null;
    }

    /** As Postgres's {@code #>>}: the value at the path as text (a string as is, anything else as JSON); null if absent or null. */
    private static String text(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(p);
        }
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isTextual() ? n.asText() : n.toString();
    }

    private static String coalesce(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
