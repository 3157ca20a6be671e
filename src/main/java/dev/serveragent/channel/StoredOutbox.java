package dev.serveragent.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serveragent.media.BlobStore;
import dev.serveragent.store.OutboxRepository;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.UUID;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The {@link Outbox}: splits, stores (role {@code assistant}), then wakes the channels. Each row
 * is delivered as its thread's channel says ({@link Channel#delivery()}): it waits for that
 * channel's sender, or is delivered by being stored; with the channel off it is stored only.
 * Thread-safe.
 */
public final class StoredOutbox implements Outbox {
    public static final int MAX_CALLBACK_DATA_BYTES = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutboxRepository repository;
    private final Channels channels;
    private final Clock clock;
    private final Optional<BlobStore> blobs; // where sent files are kept; none: sendFile refuses
    private volatile java.util.function.LongConsumer onDelivered = id -> {}; // the dashboard's acknowledgement-latency meter

    /** @param channels the channels to wake once a message is stored */
    public StoredOutbox(OutboxRepository repository, Channels channels, Clock clock) {
        this(repository, channels, clock, Optional.empty());
    }

    /** @param blobs where the files the agent sends are kept ({@link #sendFile}) */
    public StoredOutbox(OutboxRepository repository, Channels channels, Clock clock, BlobStore blobs) {
        this(repository, channels, clock, Optional.of(blobs));
    }

    private StoredOutbox(OutboxRepository repository, Channels channels, Clock clock, Optional<BlobStore> blobs) {
        this.repository = repository;
        this.channels = channels;
        this.clock = clock;
        this.blobs = blobs;
    }

    /** Called with each message delivered by being stored ({@code Delivery.STORED}), once committed. */
    public void onDelivered(java.util.function.LongConsumer listener) {
        onDelivered = listener;
    }

    @Override
    public List<Long> send(long threadId, String text) {
        return store(threadId, text, Optional.empty());
    }

    @Override
    public List<Long> sendMarkdown(long threadId, String markdown) {
        return store(threadId, TextSplitter.split(Markdown.render(markdown)), Optional.empty());
    }

    @Override
    public List<Long> sendWithButton(long threadId, String text, String buttonText, String callbackData) {
        if (callbackData.getBytes(StandardCharsets.UTF_8).length > MAX_CALLBACK_DATA_BYTES) {
            throw new IllegalArgumentException("callback_data is over " + MAX_CALLBACK_DATA_BYTES + " bytes: " + callbackData);
        }
        return store(threadId, text, Optional.of(inlineKeyboard(buttonText, callbackData)));
    }

    @Override
    public List<Long> sendWithButtons(long threadId, String text, List<Button> buttons) {
        if (buttons.isEmpty()) {
            return send(threadId, text);
        }
        ObjectNode markup = JSON.createObjectNode();
        var rows = markup.putArray("inline_keyboard");
        for (Button b : buttons) {
            if (b.callbackData().getBytes(StandardCharsets.UTF_8).length > MAX_CALLBACK_DATA_BYTES) {
                throw new IllegalArgumentException("callback_data is over " + MAX_CALLBACK_DATA_BYTES + " bytes: " + b.callbackData());
            }
            rows.addArray().addObject().put("text", b.text()).put("callback_data", b.callbackData());
        }
        return store(threadId, text, Optional.of(markup.toString()));
    }

    @Override
    public long sendFile(long threadId, FileToSend file) {
        BlobStore store = blobs.orElseThrow(() -> new UnsupportedOperationException("no blob store: files cannot be kept"));
        String key = "agent/" + clock.instant().atOffset(ZoneOffset.UTC).toLocalDate() + "/" + UUID.randomUUID() + "-" + keyName(file.name());
        URI uri = store.put(key, file.bytes(), file.mimeType());
        try {
            return repository.enqueueFile(threadId, new OutboxRepository.FileMessage(file.kind(), file.name(), file.mimeType(),
                    file.bytes().length, uri.toString(), file.caption(), file.path()), this::fileDelivery, clock.instant(),
                    channels::wakeAll, onDelivered);
        } catch (RuntimeException e) {
            try {
                store.delete(uri); // no row refers to it
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /**
     * How a file reaches {@code platform}'s chat; refused when its channel says it cannot deliver
     * files (nothing is then stored). A channel that is off keeps the file stored, unsent, as a reply.
     */
    private OutboxRepository.Delivery fileDelivery(String platform) {
        if (channels.channel(platform).map(c -> !c.takesFiles()).orElse(false)) {
            throw new IllegalArgumentException("this chat's channel (" + channels.describe(platform) + ") cannot take files;"
                    + " nothing was sent");
        }
        return channels.delivery(platform);
    }

    /** The name as part of a blob key: letters, digits, dot, dash and underscore, at most 60. */
    static String keyName(String name) {
        String k = name.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("\\.{2,}", "_");
        k = k.length() > 60 ? k.substring(k.length() - 60) : k;
        return k.isEmpty() || k.startsWith(".") ? "file" + k : k;
    }

    /** {@code {"inline_keyboard":[[{"text":…,"callback_data":…}]]}}, as the Bot API takes it. */
    static String inlineKeyboard(String buttonText, String callbackData) {
        ObjectNode markup = JSON.createObjectNode();
        markup.putArray("inline_keyboard").addArray().addObject().put("text", buttonText).put("callback_data", callbackData);
        return markup.toString();
    }

    private List<Long> store(long threadId, String text, Optional<String> markup) {
        return store(threadId, TextSplitter.split(RichText.plain(text)), markup);
    }

    private List<Long> store(long threadId, List<RichText> parts, Optional<String> markup) {
        List<OutboxRepository.Part> rows = parts.stream()
                .map(p -> new OutboxRepository.Part(p.text(), p.entitiesJson().orElse(null))).toList();
        return repository.enqueue(threadId, rows, markup, channels::delivery, clock.instant(), channels::wakeAll, onDelivered);
    }
}
