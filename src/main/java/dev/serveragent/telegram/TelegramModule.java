package dev.serveragent.telegram;

import com.pengrad.telegrambot.TelegramBot;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.web.HttpRoutes;
import dev.serveragent.channel.Channel;
import dev.serveragent.channel.MasterNaming;
import dev.serveragent.channel.Press;
import dev.serveragent.channel.PressListener;
import dev.serveragent.config.Secret;
import dev.serveragent.config.AppConfig;
import dev.serveragent.config.TelegramConfig;
import dev.serveragent.masters.Masters;
import dev.serveragent.media.ArtifactWorker;
import dev.serveragent.media.MediaModule;
import dev.serveragent.store.ArtifactRepository;
import dev.serveragent.store.Database;
import dev.serveragent.store.LeaderLock;
import dev.serveragent.store.OutboxRepository;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Telegram, assembled for the composition root: ingestion (webhook or long poll),
 * the outbox sender, the {@link TelegramChannel}, and its files for the shared media pipeline. With no bot token there
 * is no channel: Telegram threads' messages are stored and never sent.
 *
 * <p>Start {@link #components()} before the HTTP server and {@link #afterHttp()} after it (the
 * webhook registration makes Telegram call us at once). Close {@link #resources()} after stopping.
 */
public final class TelegramModule {
    private static final Logger log = LoggerFactory.getLogger(TelegramModule.class);
    /** getUpdates long-poll timeout. */
    static final int POLL_TIMEOUT_SECONDS = 25;
    /** Bot API client timeouts (the long poll has its own client). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration IO_TIMEOUT = Duration.ofSeconds(30);

    private final Optional<Channel> channel;
    private final ArtifactRepository artifacts;
    private final Optional<HttpRoutes> routes;
    private final List<Lifecycle> components;
    private final List<Lifecycle> afterHttp;
    private final List<AutoCloseable> resources;
    private final ForwardingPressListener callbacks;
    private final Optional<ArtifactWorker> artifactWorker;
    private final Optional<BotIdentity> identity;

    private TelegramModule(Optional<Channel> channel, ArtifactRepository artifacts, Optional<HttpRoutes> routes,
                           List<Lifecycle> components, List<Lifecycle> afterHttp, List<AutoCloseable> resources,
                           ForwardingPressListener callbacks, Optional<ArtifactWorker> artifactWorker, Optional<BotIdentity> identity) {
        this.channel = channel;
        this.artifacts = artifacts;
        this.routes = routes;
        this.components = components;
        this.afterHttp = afterHttp;
        this.resources = resources;
        this.callbacks = callbacks;
        this.artifactWorker = artifactWorker;
        this.identity = identity;
    }

    /**
     * @param webhookSecret the configured {@code TELEGRAM_WEBHOOK_SECRET}, or the one the agent
     *     generated and keeps in the database
     */
    /** Telegram's Masters: the users of {@code MASTER_CHAT_IDS} and those paired by {@code /pair CODE}. */
    public static MasterNaming masterNaming(TelegramConfig telegram) {
        return MasterNaming.listedOrPaired(Channel.TELEGRAM, telegram.masterChatIds());
    }

    public static TelegramModule build(AppConfig config, Database database, Secret webhookSecret, MediaModule media, Masters masters,
                                       Clock clock, MeterRegistry metrics) {
        TelegramConfig tg = config.telegram();
        OutboxRepository outboxRepository = new OutboxRepository(database.jdbi());
        ArtifactRepository artifacts = new ArtifactRepository(database.jdbi());
        ForwardingPressListener callbacks = new ForwardingPressListener();
        List<Lifecycle> components = new ArrayList<>();
        List<Lifecycle> afterHttp = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();
        if (tg.botToken().isEmpty()) {
            return new TelegramModule(Optional.empty(), artifacts, Optional.empty(), components, afterHttp, resources, callbacks, Optional.empty(), Optional.empty());
        }
        String token = tg.botToken().get().reveal();
        String api = tg.apiUrl().toString().replaceAll("/+$", "");
        // Bounded timeouts (the library's defaults are 75 s each); the outbox's claim is renewed
        // while a send is on the wire.
        okhttp3.OkHttpClient http = BotApiHttp.client(CONNECT_TIMEOUT, IO_TIMEOUT);
        TelegramBot bot = new TelegramBot.Builder(token).okHttpClient(http).apiUrl(api + "/bot").fileApiUrl(api + "/file/bot").build();
        resources.add(bot::shutdown);
        BotIdentity identity = new BotIdentity(bot, BotIdentity.FIRST_RETRY);
        components.add(identity); // getMe in the background: readiness does not wait for Telegram

        // Media: the shared pipeline fetches this channel's files by file id.
        ArtifactWorker worker = media.worker();
        media.sources().register(Channel.TELEGRAM, new TelegramFiles(bot, tg.apiUrl(), token));

        OutboxSender sender = new OutboxSender(outboxRepository, new SendPaceRepository(database.jdbi()), bot, clock, metrics,
                media.blobs());
        components.add(sender);

        UpdateIngestor ingestor = new UpdateIngestor(
                new UpdateNormalizer(new UpdateNormalizer.Capabilities(media.transcription(), media.vision())),
                new IngestRepository(database.jdbi(), user -> masters.isMaster(Channel.TELEGRAM, user)), callbacks, worker::wake,
                () -> callbacks.jobQueued.run(), clock, metrics);
        LongPoller poller = new LongPoller(bot, tg.apiUrl(), token, ingestor, new PollStateRepository(database.jdbi()),
                new LeaderLock(() -> database.dedicatedConnection("server-agent-telegram-poller"), LongPoller.LEADER_LOCK_KEY),
                POLL_TIMEOUT_SECONDS, clock, metrics);
        if (tg.publicUrl().isPresent()) {
            afterHttp.add(new WebhookRegistrar(bot, tg.publicUrl().get(), webhookSecret, poller));
        } else {
            components.add(poller);
        }
        log.info("Telegram on ({}); transcription {}, image description {}",
                tg.publicUrl().isPresent() ? "webhook" : "long polling",
                media.transcription() ? "on" : "off (TRANSCRIBE_URL unset)",
                media.vision() ? "on" : "off (no HAIKU_API_KEY/ANTHROPIC_API_KEY)");
        // The webhook is served in both modes: harmless when polling, and it lets an operator
        // switch to PUBLIC_URL without a gap.
        HttpRoutes webhook = new WebhookRoutes(webhookSecret, ingestor, metrics);
        return new TelegramModule(Optional.of(new TelegramChannel(bot, sender)), artifacts, Optional.of(webhook), components, afterHttp,
                resources, callbacks, Optional.of(worker), Optional.of(identity));
    }

    /** Where inline-button presses go, after their update is committed. Until set, they are logged. */
    public void setPressListener(PressListener listener) {
        callbacks.target = listener;
    }

    /** Called after an update that queued a reactive job is committed (the worker's wake-up). */
    public void onJobQueued(Runnable listener) {
        callbacks.jobQueued = listener;
    }

    /** The bot's @username, asked of Telegram at start; empty with Telegram off. */
    public Optional<BotIdentity> identity() {
        return identity;
    }

    /** The Telegram channel; empty with Telegram off. */
    public Optional<Channel> channel() {
        return channel;
    }

    /** The artifacts of messages (what the worker produced, and whether any is still pending). */
    public ArtifactRepository artifacts() {
        return artifacts;
    }

    public Optional<HttpRoutes> routes() {
        return routes;
    }

    public List<Lifecycle> components() {
        return List.copyOf(components);
    }

    public List<Lifecycle> afterHttp() {
        return List.copyOf(afterHttp);
    }

    public List<AutoCloseable> resources() {
        return List.copyOf(resources);
    }

    public Optional<ArtifactWorker> artifactWorker() {
        return artifactWorker;
    }

    /** Forwards to the listener the reactive loop sets once it exists (it needs the channels first). */
    private static final class ForwardingPressListener implements PressListener {
        volatile PressListener target = q -> log.info("Button pressed in thread {} ({}), but no listener is wired", q.threadId(), q.data());
        volatile Runnable jobQueued = () -> {}; // until set, the NOTIFY alone wakes the worker

        @Override
        public void onPress(Press press) {
            target.onPress(press);
        }
    }
}
