package dev.serveragent.media;

import dev.serveragent.config.AppConfig;

/** Chooses the blob store: S3/MinIO when {@code MINIO_*} is set, else files under {@code DATA_DIR/blobs}. */
public final class BlobStores {
    private BlobStores() {}

    public static BlobStore from(AppConfig config) {
        return config.minio().store()
                .<BlobStore>map(S3BlobStore::new)
                .orElseGet(() -> new FilesystemBlobStore(config.dataDir().resolve("blobs")));
    }
}
