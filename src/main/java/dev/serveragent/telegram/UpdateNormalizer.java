package dev.serveragent.telegram;

import dev.serveragent.channel.Channel;
import dev.serveragent.channel.Press;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serveragent.telegram.IngestRepository.Attachment;
import dev.serveragent.telegram.IngestRepository.Chat;
import dev.serveragent.telegram.IngestRepository.Message;
import dev.serveragent.telegram.IngestRepository.Update;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a Bot API {@code Update} (JSON) into the internal model: message, edited_message,
 * channel_post, edited_channel_post and callback_query are understood; any other kind is kept
 * raw. Text or caption; voice, audio, photo (largest size), document and video note become
 * artifact placeholders whose kind depends on what can be derived here ({@link Capabilities}).
 * Stateless and thread-safe.
 */
public final class UpdateNormalizer {
    /** Telegram's limit for bots downloading a file through getFile. */
    public static final long MAX_DOWNLOAD_BYTES = 20L * 1024 * 1024;

    /** Which derivations are configured: without them, media are kept as {@code file_meta}. */
    public record Capabilities(boolean transcription, boolean vision) {}

    // FAIL_ON_TRAILING_TOKENS: a body of two JSON values ({…}{…}) is not an update (issue 18).
    private static final ObjectMapper JSON = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Capabilities capabilities;

    public UpdateNormalizer(Capabilities capabilities) {
        this.capabilities = capabilities;
    }

    /** @throws MalformedUpdateException when the body is not a JSON object with a numeric update_id */
    public Update normalize(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MalformedUpdateException("not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new MalformedUpdateException("not JSON");
        }
        if (root == null || !root.isObject() || !root.path("update_id").canConvertToLong() || !root.path("update_id").isIntegralNumber()) {
            throw new MalformedUpdateException("not a Telegram update (no numeric update_id)");
        }
        long updateId = root.get("update_id").asLong();
        if (new String(body, java.nio.charset.StandardCharsets.UTF_8).contains("\\u0000")) {
            root = withoutNul(root);
        }
        String raw = root.toString();
        for (String kind : List.of("message", "edited_message", "channel_post", "edited_channel_post")) {
            JsonNode m = root.get(kind);
            if (m != null && m.isObject() && m.path("chat").isObject()) {
                return new Update(updateId, kind, raw, Optional.of(chat(m.get("chat"))), Optional.of(message(m)), kind.startsWith("edited_"));
            }
        }
        JsonNode cb = root.get("callback_query");
        if (cb != null && cb.isObject()) {
            JsonNode chat = cb.path("message").path("chat");
            return new Update(updateId, "callback_query", raw,
                    chat.isObject() ? Optional.of(chat(chat)) : Optional.empty(), Optional.empty(), false);
        }
        return new Update(updateId, "other", raw, Optional.empty(), Optional.empty(), false);
    }

    /** The callback fields of a {@code callback_query} update, for the listener. */
    public static Optional<Press> callback(String rawJson, long threadId) {
        try {
            JsonNode cb = JSON.readTree(rawJson).path("callback_query");
            if (!cb.isObject()) {
                return Optional.empty();
            }
            return Optional.of(new Press(Channel.TELEGRAM, cb.path("id").asText(), threadId, cb.path("from").path("id").asLong(), cb.path("data").asText("")));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Postgres text and jsonb cannot hold U+0000; a client that sends one must not make an update
     * unstorable (it would be retried for ever), so NUL characters are dropped.
     */
    static JsonNode withoutNul(JsonNode node) {
        if (node.isTextual()) {
            String t = node.asText();
            return t.indexOf('\u0000') >= 0 ? JSON.getNodeFactory().textNode(t.replace("\u0000", "")) : node;
        }
        if (node.isObject()) {
            ObjectNode out = JSON.createObjectNode();
            node.properties().forEach(e -> out.set(e.getKey().replace("\u0000", ""), withoutNul(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            var out = JSON.createArrayNode();
            node.forEach(n -> out.add(withoutNul(n)));
            return out;
        }
        return node;
    }

    private static Chat chat(JsonNode c) {
        String title = text(c, "title");
        if (title == null) {
            String name = String.join(" ", nonNull(text(c, "first_name"), text(c, "last_name"))).strip();
            title = name.isEmpty() ? text(c, "username") : name;
        }
        return new Chat(integral(c, "id"), text(c, "type"), title);
    }

    private Message message(JsonNode m) {
        String text = text(m, "text") != null ? text(m, "text") : text(m, "caption");
        Long author = m.path("from").isObject() ? m.path("from").path("id").asLong() : null;
        Instant date = unixTime(m, "date");
        Instant edited = m.has("edit_date") ? unixTime(m, "edit_date") : null;
        List<Attachment> attachments = new ArrayList<>();
        String kind = text != null ? "text" : "other";
        if (m.path("voice").isObject()) {
            kind = "voice";
            attachments.add(media("voice", m.get("voice"), capabilities.transcription() ? "voice_transcript" : "file_meta"));
        } else if (m.path("audio").isObject()) {
            kind = "audio";
            attachments.add(media("audio", m.get("audio"), capabilities.transcription() ? "voice_transcript" : "file_meta"));
        } else if (m.path("photo").isArray() && !m.get("photo").isEmpty()) {
            kind = "photo";
            attachments.add(media("photo", largest(m.get("photo")), capabilities.vision() ? "image_json" : "file_meta"));
        } else if (m.path("document").isObject()) {
            kind = "document";
            attachments.add(media("document", m.get("document"), "file_meta"));
        } else if (m.path("video_note").isObject()) {
            kind = "video_note";
            attachments.add(media("video_note", m.get("video_note"), "file_meta"));
        }
        return new Message(integral(m, "message_id"), author, text, kind, date, edited, attachments);
    }

    private static JsonNode largest(JsonNode sizes) {
        JsonNode best = sizes.get(sizes.size() - 1); // Telegram lists sizes smallest first
        for (JsonNode s : sizes) {
            if (area(s) > area(best) || (area(s) == area(best) && s.path("file_size").asLong() > best.path("file_size").asLong())) {
                best = s;
            }
        }
        return best;
    }

    private static long area(JsonNode s) {
        return s.path("width").asLong() * s.path("height").asLong();
    }

    private static Attachment media(String media, JsonNode file, String artifactKind) {
        ObjectNode source = JSON.createObjectNode();
        source.put("media", media);
        for (String f : List.of("file_id", "file_unique_id", "file_name", "mime_type", "file_size", "duration", "width", "height", "length", "performer", "title")) {
            if (file.has(f)) {
                source.set(f, file.get(f));
            }
        }
        long size = file.path("file_size").asLong(0);
        // Over Telegram's limit only the metadata can be kept, whatever the capabilities.
        String kind = size > MAX_DOWNLOAD_BYTES ? "file_meta" : artifactKind;
        return new Attachment(kind, source.toString());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static List<String> nonNull(String... parts) {
        List<String> out = new ArrayList<>();
        for (String p : parts) {
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** Latest Unix time taken (year 2286): beyond what Instant and Postgres hold, a date is not Telegram's. */
    private static final long MAX_UNIX_TIME = 9_999_999_999L;

    /** A Unix time field: a 400, not a 500 (Instant) or a 503 (Postgres) when it is out of range. */
    private static Instant unixTime(JsonNode m, String field) {
        long seconds = m.path(field).asLong();
        if (seconds < 0 || seconds > MAX_UNIX_TIME) {
            throw new MalformedUpdateException(field + " is not a Unix time: " + m.path(field));
        }
        return Instant.ofEpochSecond(seconds);
    }

    /** An id field: an integer, or the update is not Telegram's (asLong would make a missing or "x" id 0). */
    private static long integral(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new MalformedUpdateException(field + " is not an integer: " + (v.isMissingNode() ? "missing" : v.toString()));
        }
        return v.asLong();
    }
}
