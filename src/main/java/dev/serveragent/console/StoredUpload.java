package dev.serveragent.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serveragent.media.BlobStore;
import dev.serveragent.media.FileSource;
import java.net.URI;

/**
 * The console's files for the media pipeline: an upload is kept in the blob store before its
 * message is stored, and its placeholder names it ({@code source.uri}); the worker reads it back
 * from there instead of downloading anything.
 */
public final class StoredUpload implements FileSource {
    private final BlobStore blobs;

    public StoredUpload(BlobStore blobs) {
        this.blobs = blobs;
    }

    @Override
    public Fetched fetch(JsonNode source) {
        URI uri = URI.create(source.path("uri").asText());
        return new Fetched(blobs.get(uri), source.path("file_name").asText("upload"), uri);
    }
}
