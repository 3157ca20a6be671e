package dev.serveragent.config;

import java.time.Duration;

/**
 * The reactive workers.
 *
 * @param workers jobs run at once by this replica (each on its own virtual thread); 0 makes an
 *     ingest-only replica that stores and queues but leaves the jobs to other replicas
 * @param lease how long a claim holds without a heartbeat; a dead replica's job is re-claimed after it
 * @param progressAfter a command still running after this gets one status message, edited as it goes
 * @param artifactWorkers media workers of this replica (fetching files, transcripts, descriptions);
 *     0 leaves the media of stored messages to other replicas
 */
public record ReactiveConfig(int workers, Duration lease, Duration progressAfter, int artifactWorkers) {
    public static final int DEFAULT_WORKERS = 4;
    public static final int DEFAULT_ARTIFACT_WORKERS = 2;
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PROGRESS_AFTER = Duration.ofSeconds(15);

    static ReactiveConfig from(Settings s) {
        return new ReactiveConfig(
                s.integer("REACTIVE_WORKERS", DEFAULT_WORKERS, 0, 64),
                s.seconds("REACTIVE_LEASE_SECONDS", DEFAULT_LEASE, 5, 600),
                s.seconds("REACTIVE_PROGRESS_AFTER_SECONDS", DEFAULT_PROGRESS_AFTER, 1, 3600),
                s.integer("ARTIFACT_WORKERS", DEFAULT_ARTIFACT_WORKERS, 0, 16));
    }
}
