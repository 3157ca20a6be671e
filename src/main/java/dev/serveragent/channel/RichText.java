package dev.serveragent.channel;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A text with Telegram message entities: what a model's Markdown becomes ({@link Markdown}), what
 * the outbox stores and sends ({@code chat_messages.text} and {@code .entities}), and what the
 * console draws. Offsets and lengths count UTF-16 code units, as Telegram's do and as Java's
 * {@link String#length()} does. Entities are sorted by offset, outer before inner, and nest
 * properly (two that share characters: one holds the other). Immutable.
 */
public record RichText(String text, List<Entity> entities) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Comparator<Entity> ORDER = Comparator.comparingInt(Entity::offset)
            .thenComparing(Comparator.comparingInt(Entity::length).reversed());

    /**
     * One Bot API {@code MessageEntity}: {@code type} is one of bold, italic, underline,
     * strikethrough, code, pre ({@code language} may be set), text_link ({@code url} set),
     * blockquote.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entity(String type, int offset, int length, String url, String language) {
        public static Entity of(String type, int offset, int length) {
            return new Entity(type, offset, length, null, null);
        }

        public int end() {
            return offset + length;
        }

        Entity moved(int offset, int length) {
            return new Entity(type, offset, length, url, language);
        }
    }

    public RichText {
        entities = entities.stream().sorted(ORDER).toList(); // stable: equal spans keep their order
    }

    public static RichText plain(String text) {
        return new RichText(text, List.of());
    }

    /**
     * The part {@code [start, end)}: entities clipped to it and moved to its offsets; an entity
     * cut by an edge is kept on each side (a pre block closed here and reopened there, with its
     * language).
     */
    public RichText slice(int start, int end) {
        List<Entity> out = new ArrayList<>();
        for (Entity e : entities) {
            int from = Math.max(e.offset(), start);
            int to = Math.min(e.end(), end);
            if (to > from) {
                out.add(e.moved(from - start, to - from));
            }
        }
        return new RichText(text.substring(start, end), out);
    }

    /** Without leading and trailing whitespace, entities kept in place. */
    public RichText strip() {
        int start = 0;
        int end = text.length();
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return start == 0 && end == text.length() ? this : slice(start, end);
    }

    /** True when some pre entity holds position {@code i} strictly inside (not at its start). */
    boolean insidePre(int i) {
        return entities.stream().anyMatch(e -> e.type().equals("pre") && e.offset() < i && i < e.end());
    }

    /** The entities as the Bot API's JSON array, or empty when there are none (a plain text). */
    public Optional<String> entitiesJson() {
        if (entities.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.writeValueAsString(entities));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("entities did not serialise", e);
        }
    }

    /** Reads what {@link #entitiesJson} wrote; null or blank is a plain text. */
    public static RichText of(String text, String entitiesJson) {
        if (entitiesJson == null || entitiesJson.isBlank()) {
            return plain(text);
        }
        try {
            return new RichText(text, JSON.readValue(entitiesJson, new TypeReference<List<Entity>>() {}));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored entities are not a JSON array of entities", e);
        }
    }
}
