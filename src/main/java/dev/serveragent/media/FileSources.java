package dev.serveragent.media;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link FileSource} of each channel, chosen by the placeholder's {@code source.from}; a
 * placeholder without it was written before channels said so, and belongs to {@code defaultFrom}.
 * Channels register their source while the application is assembled.
 */
public final class FileSources implements FileSource {
    private final Map<String, FileSource> byChannel = new ConcurrentHashMap<>();
    private final String defaultFrom;

    public FileSources(String defaultFrom) {
        this.defaultFrom = defaultFrom;
    }

    public void register(String from, FileSource source) {
        byChannel.put(from, source);
    }

    /** The channel a placeholder's file comes from. */
    @Override
    public String from(JsonNode source) {
        return source.path("from").asText(defaultFrom);
    }

    @Override
    public Fetched fetch(JsonNode source) {
        FileSource s = byChannel.get(from(source));
        if (s == null) {
            throw new MediaException("no file source for channel \"" + from(source) + "\" (is it configured?)");
        }
        return s.fetch(source);
    }
}
