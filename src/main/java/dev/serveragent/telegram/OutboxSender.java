package dev.serveragent.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pengrad.telegrambot.TelegramBot;
import com.pengrad.telegrambot.model.MessageEntity;
import com.pengrad.telegrambot.model.request.InlineKeyboardButton;
import com.pengrad.telegrambot.model.request.InlineKeyboardMarkup;
import com.pengrad.telegrambot.request.AbstractSendRequest;
import com.pengrad.telegrambot.request.SendDocument;
import com.pengrad.telegrambot.request.SendMessage;
import com.pengrad.telegrambot.request.SendPhoto;
import com.pengrad.telegrambot.response.SendResponse;
import dev.serveragent.media.BlobStore;
import java.net.URI;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.channel.Channel;
import dev.serveragent.channel.RichText;
import dev.serveragent.runtime.Loop;
import dev.serveragent.store.OutboxRepository;
import dev.serveragent.store.OutboxRepository.Outgoing;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox to Telegram on one {@link Loop}: claims due rows (safe with several
 * replicas), keeps to {@link #PER_CHAT_INTERVAL} per chat and {@link #GLOBAL_INTERVAL} overall
 * for the whole bot (the pace lives in the database, so replicas share it), honours 429
 * {@code retry_after}, retries what never reached Telegram and the Bot API's own 5xx with
 * exponential backoff up to {@link #MAX_ATTEMPTS}, and fails other 4xx at once. A send Telegram may
 * have acted on (answer lost after the request was written, a sender stopped mid-send) is never
 * repeated by itself: it ends {@code uncertain} and the Master is told in the thread, once
 * ({@link UncertainNotice}); an unreadable 2xx ends {@code sent} without a message id
 * (the table is in docs/TELEGRAM.md, "Delivery rules"; the client must be {@link BotApiHttp}'s).
 * No parse mode ever, so model output can never be rejected for markup: a rich text goes as its
 * plain text with the stored {@code entities} (docs/TELEGRAM.md, "Rich text"). A file the agent
 * sends ({@code send_file}) is read from the blob store and uploaded as multipart {@code sendPhoto}
 * or {@code sendDocument} under the same rules; a photo refused with 400 goes again as a document.
 */
public final class OutboxSender implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);
    static final Duration PER_CHAT_INTERVAL = Duration.ofSeconds(1);
    static final Duration GLOBAL_INTERVAL = Duration.ofMillis(1000 / 30 + 1);
    /**
     * A claim's lease, renewed just before each send and every third of it while the request is on
     * the wire: a dead sender's row is free again within this (the next sender then ends it
     * {@code uncertain}), so a crash mid-send holds up that chat's later messages this long at most.
     */
    static final Duration LEASE = Duration.ofSeconds(15);
    /** Also picks up rows queued by other replicas and scheduled retries. */
    static final Duration IDLE_POLL = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    static final int MAX_ATTEMPTS = 8;
    private static final int BATCH = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutboxRepository repository;
    private final SendPaceRepository pace;
    private final TelegramBot bot;
    private final Clock clock;
    private final Duration lease;
    private final Loop loop;

    private final MeterRegistry metrics;
    private final Optional<BlobStore> blobs; // where the files the agent sends are kept
    private volatile java.util.function.LongConsumer onSent = id -> {}; // the dashboard's acknowledgement-latency meter

    /** Called with each message's id once it is recorded as sent (the acknowledgement-latency histogram). */
    public void onSent(java.util.function.LongConsumer listener) {
        onSent = listener;
    }

    public OutboxSender(OutboxRepository repository, SendPaceRepository pace, TelegramBot bot, Clock clock, MeterRegistry metrics) {
        this(repository, pace, bot, clock, metrics, LEASE, Optional.empty());
    }

    /** @param blobs where the files the agent sends ({@code send_file}) are kept: they are uploaded from there */
    public OutboxSender(OutboxRepository repository, SendPaceRepository pace, TelegramBot bot, Clock clock, MeterRegistry metrics,
                        BlobStore blobs) {
        this(repository, pace, bot, clock, metrics, LEASE, Optional.of(blobs));
    }

    /** With another claim lease (tests: a short one, to outlast it without waiting long). */
    OutboxSender(OutboxRepository repository, SendPaceRepository pace, TelegramBot bot, Clock clock, MeterRegistry metrics,
                 Duration lease) {
        this(repository, pace, bot, clock, metrics, lease, Optional.empty());
    }

    private OutboxSender(OutboxRepository repository, SendPaceRepository pace, TelegramBot bot, Clock clock, MeterRegistry metrics,
                 Duration lease, Optional<BlobStore> blobs) {
        this.metrics = metrics;
        this.blobs = blobs;
        this.repository = repository;
        this.pace = pace;
        this.bot = bot;
        this.clock = clock;
        this.lease = lease;
        this.loop = Loop.named("outbox-sender", this::runOnce).onError(IDLE_POLL, IDLE_POLL).describedAs("Outbox sender").build();
    }

    @Override
    public void start() {
        loop.start();
    }

    @Override
    public void stop() {
        loop.stop();
    }

    /** Something was queued: look now rather than at the next poll. */
    public void wake() {
        loop.wake();
    }

    /** The loop (tests: {@link Loop#awaitIdle} after moving the clock). */
    public Loop loop() {
        return loop;
    }

    /** One pass: claims what is due and sends it, in order, at the pace. */
    private Loop.Next runOnce() throws InterruptedException {
        Instant now = clock.instant();
        List<Outgoing> batch = repository.claim(Channel.TELEGRAM, BATCH, now, now.plus(lease));
        for (Outgoing o : batch) {
            if (loop.stopping()) {
                repository.retryAt(o.id(), clock.instant(), null, false);
                continue;
            }
            sendOne(o);
        }
        return batch.isEmpty() ? Loop.Next.idle(IDLE_POLL) : Loop.Next.again();
    }

    private void sendOne(Outgoing o) throws InterruptedException {
        // The chat's pace is kept by the claim; the bot's, by a slot every sender reserves.
        Instant slot = pace.reserveSendSlot(clock.instant(), GLOBAL_INTERVAL);
        long wait = Duration.between(clock.instant(), slot).toMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
        // Rows later in a batch waited for their slots: make sure this one is still ours.
        Optional<Outgoing> held = repository.renewClaim(o, clock.instant().plus(lease));
        if (held.isEmpty()) {
            log.info("Message {} was taken over by another sender after its claim ran out", o.id());
            return;
        }
        byte[] fileBytes = null;
        if (o.file() != null) {
            try {
                fileBytes = fileBytes(o.file()); // before the send begins: a store that is down now is tried again later
            } catch (RuntimeException e) {
                retryLater(o, "the file could not be read from the blob store: " + e.getMessage());
                return;
            }
        }
        if (!repository.beginSend(o.id(), clock.instant())) {
            uncertain(o, "a sender stopped while sending it; Telegram may have it");
            return;
        }
        AbstractSendRequest<?> request;
        if (o.file() != null) {
            request = fileRequest(o, fileBytes); // multipart: sendPhoto or sendDocument
        } else {
            SendMessage text = new SendMessage(o.chatId(), o.text());
            if (o.entitiesJson() != null) {
                text.entities(entities(o.entitiesJson())); // rich text: entities, never a parse mode
            }
            request = text;
        }
        if (o.replyMarkupJson() != null) {
            request.replyMarkup(keyboard(o.replyMarkupJson()));
        }
        SendResponse response;
        try {
            response = sendHoldingClaim(held.get(), request);
        } catch (RuntimeException e) {
            Optional<BotApiHttp.AnswerLost> lost = BotApiHttp.answerLost(e);
            if (lost.isPresent() && lost.get().accepted()) {
                sentUnidentified(o, lost.get().getMessage());
            } else if (lost.isPresent() || e instanceof com.google.gson.JsonParseException) {
                uncertain(o, "answer lost: " + (lost.isPresent() ? lost.get().getMessage() : e.getMessage()));
            } else {
                // Never reached Telegram in full (connect refused, DNS, connect timeout, write broken
                // off) or refused by a proxy: safe to send again.
                retryLater(o, "not sent: " + e.getMessage());
            }
            return;
        }
        if (response.isOk()) {
            if (response.message() == null) {
                sentUnidentified(o, "answered ok without the message");
                return;
            }
            Instant sentAt = clock.instant();
            repository.markSent(o, response.message().messageId(), sentAt, sentAt.plus(PER_CHAT_INTERVAL));
            metrics.counter("telegram.outbox", "result", "sent").increment();
            onSent.accept(o.id());
        } else if (response.errorCode() == 429) {
            Integer retryAfter = response.parameters() == null ? null : response.parameters().retryAfter();
            Instant at = clock.instant().plusSeconds(retryAfter == null ? 1 : Math.max(1, retryAfter));
            repository.retryAt(o.id(), at, "429: " + response.description(), false);
            metrics.counter("telegram.outbox", "result", "rate_limited").increment();
            log.info("Telegram asked to wait {}s before sending to chat {}", retryAfter, o.chatId());
        } else if (response.errorCode() >= 500 || response.errorCode() == 0) {
            // The Bot API itself answered that it did not send it.
            retryLater(o, response.errorCode() + ": " + response.description());
        } else if (response.errorCode() == 400 && o.file() != null && "photo".equals(o.file().kind())) {
            // Refused as a photo (its dimensions or format): a document takes the same bytes as they are.
            log.info("Telegram refused message {} as a photo ({}); sending it as a document", o.id(), response.description());
            repository.retryAsDocument(o.id(), clock.instant(), "400 as a photo, sent as a document: " + response.description());
            metrics.counter("telegram.outbox", "result", "document_again").increment();
        } else if (response.errorCode() == 400 && o.entitiesJson() != null) {
            // Refused with its formatting (an entity Telegram will not take): the words matter more.
            log.warn("Telegram refused the formatting of message {} ({}); sending it as plain text", o.id(), response.description());
            repository.retryPlain(o.id(), clock.instant(), "400 with entities, sent plain: " + response.description());
            metrics.counter("telegram.outbox", "result", "plain_again").increment();
        } else {
            log.warn("Telegram refused message {} for chat {}: {} {}", o.id(), o.chatId(), response.errorCode(), response.description());
            repository.markFailed(o.id(), response.errorCode() + ": " + response.description());
            metrics.counter("telegram.outbox", "result", "failed").increment();
        }
    }

    /** Sends while a heartbeat renews the row's claim, so a slow answer does not let another sender take it. */
    private SendResponse sendHoldingClaim(Outgoing claim, AbstractSendRequest<?> request) {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        // Not interrupted when the send ends: interrupting a virtual thread in a JDBC call closes its socket.
        Thread.ofVirtual().name("outbox-claim-" + claim.id()).start(() -> keepClaim(claim, done));
        try {
            return bot.execute((com.pengrad.telegrambot.request.BaseRequest<?, SendResponse>) request);
        } finally {
            done.countDown();
        }
    }

    private void keepClaim(Outgoing claim, java.util.concurrent.CountDownLatch done) {
        Outgoing current = claim;
        try {
            while (!done.await(lease.dividedBy(3).toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    Optional<Outgoing> renewed = repository.renewClaim(current, clock.instant().plus(lease));
                    if (renewed.isEmpty()) {
                        return; // ended meanwhile (the send finished), or taken over: nothing left to hold
                    }
                    current = renewed.get();
                } catch (RuntimeException e) {
                    log.warn("Could not renew the claim of message {} while sending it (trying again): {}", claim.id(), e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Telegram took it (2xx) but its answer is unreadable: sent, never again, its message id unknown. */
    private void sentUnidentified(Outgoing o, String note) {
        log.warn("Message {} for chat {} was accepted, but the answer could not be read: {}", o.id(), o.chatId(), note);
        Instant sentAt = clock.instant();
        repository.markSentUnidentified(o, "accepted, answer unreadable: " + note, sentAt, sentAt.plus(PER_CHAT_INTERVAL));
        metrics.counter("telegram.outbox", "result", "sent_unidentified").increment();
    }

    /**
     * Telegram may or may not have it: not sent again by itself (that could deliver it twice); the
     * Master is told in the thread, once, and can send it again from the console or dashboard.
     */
    private void uncertain(Outgoing o, String reason) {
        log.warn("Message {} for chat {} may or may not have reached Telegram; not sending it again by itself, the Master is told: {}",
                o.id(), o.chatId(), reason);
        repository.markUncertain(o.id(), reason, o.file() == null ? UncertainNotice::about
                : caption -> UncertainNotice.about("the file " + o.file().name() + (caption == null ? "" : ": " + caption)), clock.instant());
        metrics.counter("telegram.outbox", "result", "uncertain").increment();
    }

    private void retryLater(Outgoing o, String error) {
        if (o.attempts() >= MAX_ATTEMPTS) {
            log.warn("Giving up on message {} for chat {} after {} attempts: {}", o.id(), o.chatId(), o.attempts(), error);
            repository.markFailed(o.id(), error);
            metrics.counter("telegram.outbox", "result", "failed").increment();
            return;
        }
        metrics.counter("telegram.outbox", "result", "retry").increment();
        long seconds = Math.min(MAX_BACKOFF.toSeconds(), 1L << Math.min(20, o.attempts() - 1));
        repository.retryAt(o.id(), clock.instant().plusSeconds(seconds), error, true);
    }

    private byte[] fileBytes(OutboxRepository.OutgoingFile file) {
        if (file.uri() == null) {
            throw new IllegalStateException("the message has no kept file");
        }
        return blobs.orElseThrow(() -> new IllegalStateException("this sender has no blob store")).get(URI.create(file.uri()));
    }

    /** A multipart upload: a photo as {@code sendPhoto}, anything else as {@code sendDocument}, with its name, type and caption. */
    static AbstractSendRequest<?> fileRequest(Outgoing o, byte[] bytes) {
        OutboxRepository.OutgoingFile f = o.file();
        if ("photo".equals(f.kind())) {
            SendPhoto photo = new SendPhoto(o.chatId(), bytes).fileName(f.name()).contentType(f.mimeType());
            return o.text() == null ? photo : photo.caption(o.text());
        }
        SendDocument document = new SendDocument(o.chatId(), bytes).fileName(f.name()).contentType(f.mimeType());
        return o.text() == null ? document : document.caption(o.text());
    }

    /** The stored entities as the library's; a type it does not know is left out (the text still goes). */
    static MessageEntity[] entities(String json) {
        List<MessageEntity> out = new ArrayList<>();
        for (RichText.Entity e : RichText.of("", json).entities()) {
            MessageEntity.Type type;
            try {
                type = MessageEntity.Type.valueOf(e.type());
            } catch (IllegalArgumentException unknown) {
                continue;
            }
            out.add(new MessageEntity(type, e.offset(), e.length()).url(e.url()).language(e.language()));
        }
        return out.toArray(MessageEntity[]::new);
    }

    static InlineKeyboardMarkup keyboard(String json) {
        try {
            JsonNode rows = JSON.readTree(json).path("inline_keyboard");
            List<InlineKeyboardButton[]> out = new ArrayList<>();
            for (JsonNode row : rows) {
                List<InlineKeyboardButton> buttons = new ArrayList<>();
                for (JsonNode b : row) {
                    buttons.add(new InlineKeyboardButton(b.path("text").asText()).callbackData(b.path("callback_data").asText()));
                }
                out.add(buttons.toArray(InlineKeyboardButton[]::new));
            }
            return new InlineKeyboardMarkup(out.toArray(InlineKeyboardButton[][]::new));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored reply_markup is not JSON", e);
        }
    }
}
