package dev.serveragent.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.runtime.Loop;
import dev.serveragent.store.ArtifactRepository;
import dev.serveragent.store.ArtifactRepository.Claimed;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces artifacts in the background, right after ingestion: fetches the original from the
 * channel the message came from ({@link FileSource}, each channel's own: Telegram's downloads by file id, the console's reads its upload), keeps it
 * in the {@link BlobStore}, then derives the artifact (voice → transcript, photo → image JSON,
 * document → file metadata and, for text files and PDFs, their text). A failure puts the placeholder
 * back with a backoff; the third failure marks it {@code failed} with the error. An original the
 * blob store does not take (disk full) does not hold the artifact up: it is derived from the bytes
 * in hand, and the original is fetched again and kept later ({@link #keepOriginal}). Several workers
 * (threads or replicas) share the work through the repository's claims.
 */
public final class ArtifactWorker implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(ArtifactWorker.class);
    static final Duration LEASE = Duration.ofMinutes(10);
    static final Duration IDLE_POLL = Duration.ofSeconds(2);
    static final Duration BACKOFF_STEP = Duration.ofSeconds(5);
    /** First wait before an original that could not be kept is fetched again; it doubles each time. */
    static final Duration BLOB_RETRY_STEP = Duration.ofMinutes(1);
    static final int MAX_BLOB_ATTEMPTS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArtifactRepository repository;
    private final FileSource files;
    private final BlobStore blobs;
    private final Optional<Transcriber> transcriber;
    private final Optional<ImageDescriber> describer;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final AtomicLong finished = new AtomicLong();
    private final List<Loop> loops = new ArrayList<>();

    public ArtifactWorker(ArtifactRepository repository, FileSource files, BlobStore blobs, Optional<Transcriber> transcriber,
                          Optional<ImageDescriber> describer, Clock clock, int threads, MeterRegistry metrics) {
        this.metrics = metrics;
        this.repository = repository;
        this.files = files;
        this.blobs = blobs;
        this.transcriber = transcriber;
        this.describer = describer;
        this.clock = clock;
        for (int i = 0; i < threads; i++) {
            loops.add(Loop.named("artifact-worker-" + i, this::runOnce).onError(IDLE_POLL, IDLE_POLL)
                    .describedAs("Artifact worker").build());
        }
    }

    @Override
    public void start() {
        loops.forEach(Loop::start);
    }

    @Override
    public void stop() {
        Loop.stopAll(loops); // a worker finishes its artifact; only stragglers are interrupted
    }

    /** New placeholders were committed. */
    public void wake() {
        loops.forEach(Loop::wake);
    }

    /** Attempts finished so far (done, retried or failed), for tests and metrics. */
    public long finishedAttempts() {
        return finished.get();
    }

    /**
     * Tests: wakes every worker and returns once each has found nothing due at the clock (false if
     * one did not within {@code timeout} or the worker is stopped).
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        for (Loop l : loops) {
            if (!l.awaitIdle(timeout)) {
                return false;
            }
        }
        return true;
    }

    /** One pass of one worker: one artifact, or one original to keep again, if any is due. */
    private Loop.Next runOnce() {
        Optional<Claimed> next = repository.claim(clock.instant(), clock.instant().plus(LEASE));
        if (next.isPresent()) {
            process(next.get());
            finished.incrementAndGet();
            return Loop.Next.again();
        }
        if ((next = repository.claimBlobRetry(clock.instant(), clock.instant().plus(LEASE))).isPresent()) {
            keepOriginal(next.get());
            return Loop.Next.again();
        }
        return Loop.Next.idle(IDLE_POLL);
    }

    void process(Claimed c) {
        ObjectNode content;
        JsonNode source;
        try {
            content = (ObjectNode) JSON.readTree(c.contentJson());
            source = content.path("source");
        } catch (java.io.IOException | ClassCastException e) {
            repository.fail(c.id(), "placeholder content is not JSON", Duration.ZERO, clock.instant());
            return;
        }
        try {
            FileSource.Fetched d;
            try {
                d = files.fetch(source);
            } catch (FileSource.TooLargeException e) {
                content.put("downloaded", false);
                content.put("reason", e.getMessage());
                repository.complete(c.id(), "file_meta", content.toString(), null, clock.instant());
                metrics.counter("media.artifacts", "kind", "file_meta", "result", "too_large").increment();
                return;
            }
            String uri = d.keptAt() == null ? null : d.keptAt().toString(); // the channel kept it already
            String blobError = null;
            try {
                if (uri == null) {
                    uri = blobs.put(key(c, source, d.filePath()), d.bytes(), mime(source)).toString();
                }
            } catch (RuntimeException e) { // disk full, permissions: the artifact goes on from the bytes in hand
                blobError = reason(e);
            }
            content.put("downloaded", true);
            content.put("size_bytes", d.bytes().length);
            content.put("sha256", sha256(d.bytes()));
            switch (c.kind()) {
                case "voice_transcript" -> content.put("text",
                        transcriber.orElseThrow(() -> new MediaException("no TRANSCRIBE_URL configured"))
                                .transcribe(d.bytes(), fileName(source, d.filePath()), mime(source)));
                case "image_json" -> content.setAll(
                        describer.orElseThrow(() -> new MediaException("no Haiku API key configured")).describe(d.bytes(), c.messageId()));
                default -> DocumentText.addTo(content, mime(source), fileName(source, d.filePath()), d.bytes());
            }
            if (blobError == null) {
                repository.complete(c.id(), c.kind(), content.toString(), uri, clock.instant());
            } else {
                repository.completeWithoutBlob(c.id(), c.kind(), content.toString(), blobError, clock.instant().plus(BLOB_RETRY_STEP), clock.instant());
                log.warn("Artifact {} ({}) of message {}: the original could not be kept ({}); the artifact is stored, the original is fetched again in {} s",
                        c.id(), c.kind(), c.messageId(), blobError, BLOB_RETRY_STEP.toSeconds());
            }
            metrics.counter("media.artifacts", "kind", c.kind(), "result", "done").increment();
        } catch (RuntimeException | StackOverflowError e) {
            // A stack overflow is what a deeply nested, crafted file does to a parser: it fails
            // the artifact, not the worker thread.
            boolean last = repository.fail(c.id(), e.getMessage(), BACKOFF_STEP.multipliedBy(c.attempts()), clock.instant());
            metrics.counter("media.artifacts", "kind", c.kind(), "result", last ? "failed" : "retry").increment();
            log.warn("Artifact {} ({}) of message {} failed{}: {}", c.id(), c.kind(), c.messageId(),
                    last ? " for good" : ", will retry", e.getMessage());
        }
    }

    /**
     * Fetches an original that could not be kept the first time and writes it; on failure tries
     * again with a doubling backoff ({@link #BLOB_RETRY_STEP} up to an hour), and gives up after
     * {@link #MAX_BLOB_ATTEMPTS} (the artifact itself was stored long before; the reason stays).
     */
    void keepOriginal(Claimed c) {
        try {
            JsonNode source = JSON.readTree(c.contentJson()).path("source");
            FileSource.Fetched d = files.fetch(source);
            String uri = (d.keptAt() != null ? d.keptAt() : blobs.put(key(c, source, d.filePath()), d.bytes(), mime(source))).toString();
            repository.blobStored(c.id(), uri, clock.instant());
            log.info("Artifact {} of message {}: the original is now kept", c.id(), c.messageId());
        } catch (java.io.IOException | RuntimeException e) {
            boolean last = c.attempts() >= MAX_BLOB_ATTEMPTS;
            Duration backoff = BLOB_RETRY_STEP.multipliedBy(1L << Math.min(c.attempts(), 6));
            repository.blobFailed(c.id(), reason(e), last ? Optional.empty()
                    : Optional.of(clock.instant().plus(backoff.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : backoff)), clock.instant());
            log.warn("Artifact {} of message {}: the original could still not be kept{}: {}", c.id(), c.messageId(),
                    last ? ", gave up" : ", will retry", reason(e));
        }
    }

    /** The message with its cause's, e.g. "cannot store blob … under …: No space left on device". */
    private static String reason(Exception e) {
        return e.getCause() == null || e.getCause().getMessage() == null ? String.valueOf(e.getMessage())
                : e.getMessage() + ": " + e.getCause().getMessage();
    }

    private String key(Claimed c, JsonNode source, String filePath) {
        String unique = source.path("file_unique_id").asText("file").replaceAll("[^A-Za-z0-9_-]", "_");
        String ext = "";
        int dot = filePath.lastIndexOf('.');
        if (dot >= 0 && filePath.length() - dot <= 6) {
            ext = filePath.substring(dot).replaceAll("[^A-Za-z0-9.]", "");
        }
        return files.from(source) + "/" + c.chatId() + "/" + c.platformMessageId() + "/" + c.id() + "-" + unique + ext;
    }

    private static String fileName(JsonNode source, String filePath) {
        String name = source.path("file_name").asText("");
        return name.isEmpty() ? filePath.substring(filePath.lastIndexOf('/') + 1) : name;
    }

    private static String mime(JsonNode source) {
        String m = source.path("mime_type").asText("");
        if (!m.isEmpty()) {
            return m;
        }
        return switch (source.path("media").asText()) {
            case "voice" -> "audio/ogg";
            case "photo" -> "image/jpeg";
            case "video_note" -> "video/mp4";
            default -> "application/octet-stream";
        };
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
