package dev.serveragent.config;

import java.net.URI;
import java.util.Optional;

/** An S3-compatible media store. All four variables or none: without them, blobs go to the filesystem. */
public record MinioConfig(Optional<Store> store) {
    public record Store(URI endpoint, Secret accessKey, Secret secretKey, String bucket) {}

    static MinioConfig from(Settings s) {
        String[] names = {"MINIO_ENDPOINT", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "MINIO_BUCKET"};
        int set = 0;
        for (String n : names) {
            set += s.optional(n).isPresent() ? 1 : 0;
        }
        if (set == 0) {
            return new MinioConfig(Optional.empty());
        }
        for (String n : names) {
            if (s.optional(n).isEmpty()) {
                throw new ConfigException(n + ": required when any MINIO_* variable is set");
            }
        }
        return new MinioConfig(Optional.of(new Store(
                s.url("MINIO_ENDPOINT", null),
                s.secret("MINIO_ACCESS_KEY").orElseThrow(),
                s.secret("MINIO_SECRET_KEY").orElseThrow(),
                s.string("MINIO_BUCKET", null))));
    }
}
