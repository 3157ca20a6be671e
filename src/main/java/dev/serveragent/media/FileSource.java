package dev.serveragent.media;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;

/**
 * Where the {@link ArtifactWorker} gets an attachment's bytes: the channel the message came from
 * (Telegram downloads by {@code file_id}; the console reads the upload it kept). {@code source}
 * is the placeholder's {@code source} object as the channel wrote it at ingestion.
 */
public interface FileSource {
    /**
     * The bytes and the file's path or name (for its extension); {@code keptAt} is set when the
     * channel already keeps the original in the {@link BlobStore}, so the worker does not store it again.
     */
    record Fetched(byte[] bytes, String filePath, URI keptAt) {}

    /** The file is over what can be fetched: only its metadata can be kept. */
    class TooLargeException extends MediaException {
        public TooLargeException(String message) {
            super(message);
        }
    }

    Fetched fetch(JsonNode source);

    /** The channel ({@code chat_threads.platform}) a placeholder's file comes from: its {@code source.from}. */
    default String from(JsonNode source) {
        return source.path("from").asText("");
    }
}
