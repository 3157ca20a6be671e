package dev.serveragent.media;

import com.anthropic.client.AnthropicClient;
import dev.serveragent.config.AppConfig;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.store.Repositories;
import dev.serveragent.web.Capability;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The media pipeline, shared by every channel: the blob store, transcription and image description
 * when configured, and the {@link ArtifactWorker} that fetches each file from its channel's
 * {@link FileSource} (registered in {@link #sources()}). Start the worker with the other
 * components; close {@link #resources()} after stopping.
 */
public final class MediaModule implements Capability {

    private final BlobStore blobs;
    private final FileSources sources;
    private final ArtifactWorker worker;
    private final boolean transcription;
    private final boolean vision;
    private final List<AutoCloseable> resources;

    private MediaModule(BlobStore blobs, FileSources sources, ArtifactWorker worker, boolean transcription, boolean vision,
                        List<AutoCloseable> resources) {
        this.blobs = blobs;
        this.sources = sources;
        this.worker = worker;
        this.transcription = transcription;
        this.vision = vision;
        this.resources = resources;
    }

    /** @param defaultFrom the channel of placeholders written before they named theirs */
    public static MediaModule build(AppConfig config, Repositories repositories, String defaultFrom, Clock clock, MeterRegistry metrics) {
        List<AutoCloseable> resources = new ArrayList<>();
        Optional<Transcriber> transcriber = config.transcribe().url()
                .map(url -> new Transcriber(url, config.transcribe().apiKey(), config.transcribe().model()));
        Optional<AnthropicClient> haiku = AnthropicClients.haiku(config.anthropic());
        haiku.ifPresent(c -> resources.add(c::close));
        Optional<ImageDescriber> describer = haiku.map(c ->
                new ImageDescriber(c, config.anthropic().haikuModel(), repositories.ledger(), clock));
        BlobStore blobs = BlobStores.from(config);
        if (blobs instanceof AutoCloseable closeable) {
            resources.add(closeable);
        }
        FileSources sources = new FileSources(defaultFrom);
        ArtifactWorker worker = new ArtifactWorker(repositories.artifacts(), sources, blobs, transcriber, describer,
                clock, config.reactive().artifactWorkers(), metrics);
        return new MediaModule(blobs, sources, worker, transcriber.isPresent(), describer.isPresent(), resources);
    }

    public BlobStore blobs() {
        return blobs;
    }

    public FileSources sources() {
        return sources;
    }

    public ArtifactWorker worker() {
        return worker;
    }

    /** A transcriber is configured: voice gets a {@code voice_transcript}, else only {@code file_meta}. */
    public boolean transcription() {
        return transcription;
    }

    /** An image describer is configured: a photo gets {@code image_json}, else only {@code file_meta}. */
    public boolean vision() {
        return vision;
    }

    @Override
    public List<Lifecycle> components() {
        return List.of(worker);
    }

    @Override
    public List<AutoCloseable> resources() {
        return List.copyOf(resources);
    }
}
