package dev.serveragent.media;

import java.net.URI;

/**
 * Where original media are kept: the filesystem under {@code DATA_DIR/blobs} by default, an
 * S3-compatible bucket when {@code MINIO_*} is set. Keys are relative paths of safe characters.
 * Implementations are thread-safe; putting the same key twice replaces the object.
 */
public interface BlobStore {
    /** Stores the bytes and returns the URI recorded in {@code message_artifacts.uri}. */
    URI put(String key, byte[] bytes, String contentType);

    /** Reads back an object stored by this store. */
    byte[] get(URI uri);

    /**
     * Removes an object stored by this store, for a blob whose record was never written (an upload
     * the database refused, a duplicate). Removing an object that is not there is not an error.
     */
    void delete(URI uri);
}
