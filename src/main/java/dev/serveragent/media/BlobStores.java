package dev.serveragent.media;

import dev.serveragent.web.ReadinessCheck;
import dev.serveragent.config.AppConfig;
import dev.serveragent.config.MinioConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Chooses the blob store: S3/MinIO when {@code MINIO_*} is set, else files under {@code DATA_DIR/blobs}. */
public final class BlobStores {
    /** How long a readiness answer about the bucket is reused (probes come every few seconds). */
    static final Duration READINESS_CACHE = Duration.ofSeconds(10);

    private BlobStores() {}

    public static BlobStore from(AppConfig config) {
        return config.minio().store()
                .<BlobStore>map(store -> new S3BlobStore(store, config.dataDir().resolve("blobs-pending")))
                .orElseGet(() -> new FilesystemBlobStore(config.dataDir().resolve("blobs")));
    }

    /**
     * The blob store's part of {@code /readyz}: with S3, not ready while the bucket is missing and
     * cannot be created or access is refused (an operator must act). An unreachable store leaves the
     * agent ready: media wait locally and are uploaded when it is back.
     */
    public static List<ReadinessCheck> readiness(AppConfig config, Clock clock) {
        return config.minio().store().<List<ReadinessCheck>>map(store -> List.of(new BucketReadiness(store, clock))).orElse(List.of());
    }

    private static final class BucketReadiness implements ReadinessCheck {
        private final MinioConfig.Store store;
        private final Clock clock;
        private Instant checkedAt = Instant.MIN;
        private Optional<String> answer = Optional.empty();

        BucketReadiness(MinioConfig.Store store, Clock clock) {
            this.store = store;
            this.clock = clock;
        }

        @Override
        public synchronized Optional<String> notReadyReason() {
            Instant now = clock.instant();
            if (checkedAt.plus(READINESS_CACHE).isBefore(now)) {
                try (var s3 = S3BlobStore.client(store)) {
                    S3Bucket.Status status = S3Bucket.ensure(s3, store.bucket());
                    answer = status.state() == S3Bucket.State.MISCONFIGURED
                            ? Optional.of("media store: " + status.detail()) : Optional.empty();
                }
                checkedAt = now;
            }
            return answer;
        }
    }
}
