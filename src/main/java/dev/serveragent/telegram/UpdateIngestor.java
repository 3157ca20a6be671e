package dev.serveragent.telegram;

import dev.serveragent.channel.Press;
import dev.serveragent.channel.PressListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one ingest path shared by the webhook and the long poller: normalise, store in one
 * transaction (exactly once per update_id), and only after the commit tell the callback listener
 * and wake the artifact worker and the reactive worker. Thread-safe.
 */
public final class UpdateIngestor {
    private static final Logger log = LoggerFactory.getLogger(UpdateIngestor.class);

    private final UpdateNormalizer normalizer;
    private final IngestRepository repository;
    private final PressListener callbacks;
    private final Runnable artifactsQueued;
    private final Runnable jobQueued;
    private final Clock clock;
    private final MeterRegistry metrics;

    public UpdateIngestor(UpdateNormalizer normalizer, IngestRepository repository, PressListener callbacks,
                          Runnable artifactsQueued, Runnable jobQueued, Clock clock, MeterRegistry metrics) {
        this.metrics = metrics;
        this.normalizer = normalizer;
        this.repository = repository;
        this.callbacks = callbacks;
        this.artifactsQueued = artifactsQueued;
        this.jobQueued = jobQueued;
        this.clock = clock;
    }

    /**
     * Stores the update once. Returns when it is committed.
     *
     * @throws MalformedUpdateException for a body that is not an update (nothing stored)
     * @throws dev.serveragent.store.DatabaseUnavailableException when the database fails (nothing stored; retry later)
     */
    public IngestRepository.Result ingest(byte[] body) {
        IngestRepository.Update update = normalizer.normalize(body);
        IngestRepository.Result result = repository.ingest(update, clock.instant());
        metrics.counter("telegram.updates", "kind", update.kind(), "result", result.duplicate() ? "duplicate" : "stored").increment();
        if (result.duplicate()) {
            log.debug("Update {} already stored", update.updateId());
            return result;
        }
        if (!result.artifactIds().isEmpty()) {
            artifactsQueued.run();
        }
        if (result.jobId().isPresent()) {
            jobQueued.run(); // in-process, ahead of the NOTIFY's round trip through the listener
        }
        if (update.kind().equals("callback_query")) {
            // A press on a message too old to be included has no chat: the approval it names decides.
            UpdateNormalizer.callback(update.rawJson(), result.threadId().orElse(Press.UNKNOWN_THREAD)).ifPresent(q -> {
                try {
                    callbacks.onPress(q);
                } catch (RuntimeException e) {
                    // The update is committed; a retry from Telegram would be a duplicate, so the
                    // listener's failure is logged rather than turned into an error response.
                    log.error("Callback listener failed for update {}", update.updateId(), e);
                }
            });
        }
        return result;
    }
}
