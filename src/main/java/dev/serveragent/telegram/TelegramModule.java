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
import dev.serveragent.masters.Pairing;
import dev.serveragent.masters.PairingInvite;
import dev.serveragent.store.ArtifactRepository;
import dev.serveragent.store.Database;
import dev.serveragent.store.LeaderLock;
import dev.serveragent.store.OutboxRepository;
import dev.serveragent.store.Repositories;
import dev.serveragent.web.Capability;
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
public final class TelegramModule implements Capability {
    /** agent_settings key of the webhook secret made when TELEGRAM_WEBHOOK_SECRET is not set. */
    static final String GENERATED_WEBHOOK_SECRET = "telegram_webhook_secret";
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
    private final Optional<OutboxSender> sender;

    private TelegramModule(Optional<Channel> channel, ArtifactRepository artifacts, Optional<HttpRoutes> routes,
                           List<Lifecycle> components, List<Lifecycle> afterHttp, List<AutoCloseable> resources,
                           ForwardingPressListener callbacks, Optional<ArtifactWorker> artifactWorker, Optional<BotIdentity> identity,
                           Optional<OutboxSender> sender) {
        this.sender = sender;
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

    /** Telegram's Masters: the users of {@code MASTER_CHAT_IDS} and those paired by {@code /pair CODE}. */
    public static MasterNaming masterNaming(TelegramConfig telegram) {
        return MasterNaming.listedOrPaired(Channel.TELEGRAM, telegram.masterChatIds());
    }

    /**
     * The webhook secret is the configured {@code TELEGRAM_WEBHOOK_SECRET}, or one the agent
     * generates once and keeps in the database.
     */
    public static TelegramModule build(AppConfig config, Repositories repositories, MediaModule media, Masters masters,
                                       Clock clock, MeterRegistry metrics) {
        TelegramConfig tg = config.telegram();
        Database database = repositories.database();
        OutboxRepository outboxRepository = repositories.outbox();
        ArtifactRepository artifacts = repositories.artifacts();
        ForwardingPressListener callbacks = new ForwardingPressListener();
        List<Lifecycle> components = new ArrayList<>();
        List<Lifecycle> afterHttp = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();
        if (tg.botToken().isEmpty()) {
            log.info("TELEGRAM_BOT_TOKEN is not set: Telegram is off; talk to the agent in the console."
                    + " Set TELEGRAM_BOT_TOKEN in {} to use Telegram too.", config.files().secrets());
            return new TelegramModule(Optional.empty(), artifacts, Optional.empty(), components, afterHttp, resources, callbacks,
                    Optional.empty(), Optional.empty(), Optional.empty());
        }
        Secret webhookSecret = tg.webhookSecret().orElseGet(() -> Secret.of(
                repositories.settings().getOrCreate(GENERATED_WEBHOOK_SECRET, TelegramModule::randomSecret, clock.instant())));
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
                resources, callbacks, Optional.of(worker), Optional.of(identity), Optional.of(sender));
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /**
     * With Telegram on and no Master yet: issues a pairing code and logs the invitation (at INFO: a
     * first start, not a fault) once the bot's @username is known, so the line has the one-tap link;
     * the {@code /pair} line alone if {@code getMe} fails first.
     */
    public void offerPairing(Masters masters, Pairing pairing, PairingInvite invite) {
        if (identity.isEmpty() || masters.anyListedOrPaired()) {
            return;
        }
        pairing.issue();
        Runnable offer = () -> {
            if (!masters.anyListedOrPaired()) {
                invite.log("No Telegram Master yet.");
            }
        };
        identity.get().onKnown(bot -> offer.run());
        identity.get().onFirstFailure(error -> offer.run()); // the /pair line now; the link follows once getMe answers
    }

    /** The bot's @username once Telegram told it; empty with Telegram off or before {@code getMe} answered. */
    public Optional<String> botUsername() {
        return identity.flatMap(BotIdentity::username);
    }

    /** Called with each message's id once Telegram took it (the dashboard's acknowledgement latency). */
    public void onSent(java.util.function.LongConsumer listener) {
        sender.ifPresent(s -> s.onSent(listener));
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

    @Override
    public List<HttpRoutes> routes() {
        return routes.stream().toList();
    }

    @Override
    public List<Lifecycle> components() {
        return List.copyOf(components);
    }

    @Override
    public List<Lifecycle> afterHttp() {
        return List.copyOf(afterHttp);
    }

    @Override
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
