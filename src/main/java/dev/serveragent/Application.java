package dev.serveragent;

import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.reactive.ReactiveModule;
import dev.serveragent.reactive.PackedPrompts;
import dev.serveragent.reactive.HaikuClassifier;
import dev.serveragent.reactive.CliClassifier;
import dev.serveragent.reactive.Classifier;
import dev.serveragent.reactive.ApprovalProposals;
import dev.serveragent.media.AnthropicClients;
import com.anthropic.client.AnthropicClient;
import dev.serveragent.web.HttpRoutes;
import dev.serveragent.web.HttpServer;
import dev.serveragent.media.BlobStores;
import dev.serveragent.web.Metrics;
import dev.serveragent.budget.BudgetGovernor;
import dev.serveragent.budget.BudgetPolicy;
import dev.serveragent.claude.ClaudeCodeRunner;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.claude.PromptPack;
import dev.serveragent.config.AppConfig;
import dev.serveragent.config.DatabaseUrl;
import dev.serveragent.proactive.MasterChannel;
import dev.serveragent.proactive.MemoryWriteback;
import dev.serveragent.proactive.ProactiveControl;
import dev.serveragent.proactive.ProactivePrompt;
import dev.serveragent.proactive.ProactiveScheduler;
import dev.serveragent.proactive.ProposalSink;
import dev.serveragent.deploy.Settlement;
import dev.serveragent.store.Database;
import dev.serveragent.store.DeploymentRepository;
import dev.serveragent.store.EmbeddedDatabase;
import dev.serveragent.store.LeaderLock;
import dev.serveragent.store.LedgerRepository;
import dev.serveragent.store.MemoryRepository;
import dev.serveragent.store.ProactiveStateRepository;
import dev.serveragent.channel.Channel;
import dev.serveragent.channel.ChannelPlugin;
import dev.serveragent.channel.ChannelPort;
import dev.serveragent.channel.Channels;
import dev.serveragent.channel.MasterNaming;
import dev.serveragent.channel.PressListener;
import dev.serveragent.store.InboxRepository;
import java.util.concurrent.atomic.AtomicReference;
import dev.serveragent.channel.Outbox;
import dev.serveragent.channel.StoredOutbox;
import dev.serveragent.claude.StoredLogin;
import dev.serveragent.config.Secret;
import dev.serveragent.console.ConsoleChannel;
import dev.serveragent.console.ConsoleFeed;
import dev.serveragent.console.ConsoleRoutes;
import dev.serveragent.console.Notices;
import dev.serveragent.masters.Masters;
import dev.serveragent.masters.Pairing;
import dev.serveragent.masters.PairingHint;
import dev.serveragent.masters.PairingInvite;
import dev.serveragent.store.AgentSettingsRepository;
import dev.serveragent.console.ConsoleRepository;
import dev.serveragent.store.MasterRepository;
import dev.serveragent.store.MessageRepository;
import dev.serveragent.store.OutboxRepository;
import dev.serveragent.telegram.TelegramModule;
import dev.serveragent.store.WebSessionRepository;
import dev.serveragent.web.LoginRoutes;
import dev.serveragent.web.WebAccessPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the object graph by constructor injection, starts it in order
 * and stops it in reverse. Nothing else creates concrete components. {@link #close()} is
 * idempotent and safe from a shutdown hook.
 */
public final class Application implements AutoCloseable {
    /** agent_settings key of the webhook secret made when TELEGRAM_WEBHOOK_SECRET is not set. */
    static final String GENERATED_WEBHOOK_SECRET = "telegram_webhook_secret";
    private static final Logger log = LoggerFactory.getLogger(Application.class);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Lifecycle> components = new ArrayList<>();
    private final Database database;
    private final HttpServer http;
    private final ClaudeCodeRunner claudeCode;
    private final PromptPack promptPack;
    private final ProactiveControl proactive;
    private final ReactiveModule reactive;
    private final TelegramModule telegram;
    private final WebAccessPolicy web;
    private final Channels channels;
    private final Outbox outbox;
    private final dev.serveragent.agenda.Agenda agenda;
    private final ProposalSink proposals; // the approval path: the proactive loop's outcome block and the propose tool
    private dev.serveragent.report.DailyReport dailyReport; // null unless DAILY_REPORT_AT is set
    private boolean closed;

    /** @param runnerOverride replaces the Claude Code CLI runner in the model-driven loops (tests) */
    /** @param plugins channels added besides Telegram and the console ({@link ChannelPlugin}) */
    private Application(AppConfig config, Clock clock, Optional<ClaudeRunner> runnerOverride, List<ChannelPlugin> plugins) {
        Metrics metrics = new Metrics();
        resources.add(metrics);
        try {
            DatabaseUrl url = config.database().url().orElseGet(() -> {
                EmbeddedDatabase embedded = EmbeddedDatabase.start(config.database().embeddedDataDir());
                resources.add(embedded);
                return embedded.url();
            });
            database = Database.open(url, config.database().maxPoolSize(), Optional.of(metrics.registry()));
            resources.add(database);
            database.migrate();

            // --- claude code ---
            // Built, not started: a run is a process per request. Inherits this process's environment minus its secrets.
            // --- agent tools (MCP, issue 19; docs/MEMORY.md): every run's mcp__agent__* tools. To add a tool,
            // add its instance to this list; AgentToolServer lists, allows and scopes it by its modes.
            var notes = new dev.serveragent.memory.Notes(new dev.serveragent.store.NoteRepository(database.jdbi()), clock);
            var memorySearch = new dev.serveragent.memory.MemorySearch(new dev.serveragent.store.SearchRepository(database.jdbi()));
            var agentTools = new dev.serveragent.mcp.AgentToolServer(List.of(
                    new dev.serveragent.mcp.SearchMemoryTool(memorySearch),
                    new dev.serveragent.mcp.ReadMessagesTool(memorySearch, clock),
                    new dev.serveragent.mcp.RememberTool(notes),
                    new dev.serveragent.mcp.ForgetTool(notes),
                    // the agenda is built further down (it needs the outbox): these look it up at each call
                    new dev.serveragent.mcp.ListTasksTool(() -> agenda().tasks()),
                    new dev.serveragent.mcp.AddTaskTool(() -> agenda().tasks()),
                    new dev.serveragent.mcp.UpdateTaskTool(() -> agenda().tasks()),
                    new dev.serveragent.mcp.ScheduleTool(() -> agenda().schedules()),
                    new dev.serveragent.mcp.ListSchedulesTool(() -> agenda().schedules()),
                    new dev.serveragent.mcp.CancelScheduleTool(() -> agenda().schedules()),
                    new dev.serveragent.mcp.ProposeTool(this::proposals),
                    new dev.serveragent.mcp.ListGoalsTool(() -> agenda().goals()),
                    new dev.serveragent.mcp.ReportOutcomeTool(new dev.serveragent.proactive.CycleReports(new ProactiveStateRepository(database.jdbi())))),
                    config.claudeCode().workdir(), clock);
            components.add(agentTools); // first: started before anything that starts a run, stopped after
            claudeCode = new ClaudeCodeRunner(config.claudeCode(), config.anthropic(), System.getenv(), Optional.of(agentTools));
            resources.add(claudeCode); // close() cancels runs still going, so no CLI outlives the process
            promptPack = PromptPack.from(config.claudeCode()).withAgent(agentTools, notes::section);
            ClaudeRunner runner = new dev.serveragent.claude.TimedRunner(runnerOverride.orElse(claudeCode), metrics.registry());
            // --- end claude code ---
            // --- deploy ---
            // A deploy killed midway left its row unfinished: settle it, unless a deploy (the one
            // starting this very instance, say) holds the deploy lock right now.
            Settlement.settleIfIdle(new DeploymentRepository(database.jdbi()), clock);
            // --- end deploy ---

            List<HttpRoutes> routes = new ArrayList<>();
            Optional<java.nio.file.Path> storedLogin = config.anthropic().apiKey().isEmpty() && config.claudeCode().oauthToken().isEmpty()
                    ? StoredLogin.detect(config.claudeCode().bin(), System.getenv().getOrDefault("PATH", ""), config.claudeCode().cliConfigDir())
                    : Optional.empty();
            Classifier classifier = classifier(config, runner, storedLogin.isPresent(), clock);
            describeMissing(config, storedLogin);

            // --- web: who may use the console and the dashboard ---
            web = new WebAccessPolicy(config.http().adminToken(), config.telegram().publicUrl().isPresent(),
                    new WebSessionRepository(database.jdbi()), clock);
            routes.add(new LoginRoutes(web, clock));

            // --- masters: the listed ones, the paired ones, and pairing ---
            MasterRepository masterRepository = new MasterRepository(database.jdbi());
            List<MasterNaming> namings = new ArrayList<>(List.of(TelegramModule.masterNaming(config.telegram()), ConsoleChannel.MASTERS));
            plugins.forEach(p -> namings.add(p.masters()));
            Masters masters = new Masters(namings, masterRepository, clock);
            Pairing pairing = new Pairing(masterRepository, clock);

            // --- telegram: ingestion, sender, media ---
            Secret webhookSecret = config.telegram().webhookSecret().orElseGet(() -> Secret.of(
                    new AgentSettingsRepository(database.jdbi()).getOrCreate(GENERATED_WEBHOOK_SECRET, Application::randomSecret, clock.instant())));
            // Media first: every channel's attachments go through one pipeline (blob store, artifacts).
            var media = dev.serveragent.media.MediaModule.build(config, database, Channel.TELEGRAM, clock, metrics.registry());
            resources.addAll(media.resources());
            components.add(media.worker());
            telegram = TelegramModule.build(config, database, webhookSecret, media, masters, clock, metrics.registry());
            resources.addAll(telegram.resources());
            telegram.routes().ifPresent(routes::add);
            PairingInvite invite = new PairingInvite(pairing,
                    () -> telegram.identity().flatMap(dev.serveragent.telegram.BotIdentity::username), clock);
            components.addAll(telegram.components());

            // --- channels: Telegram and the console, behind one outbox ---
            var threads = new dev.serveragent.store.ThreadRepository(database.jdbi(), clock);
            ConsoleRepository consoleRepository = new ConsoleRepository(database.jdbi(), threads, Channel.CONSOLE_CHAT_ID);
            ConsoleFeed feed = new ConsoleFeed(consoleRepository);
            ConsoleChannel console = new ConsoleChannel(feed);
            // Attachments from the browser: kept at upload, then the same media pipeline as Telegram's.
            media.sources().register(Channel.CONSOLE, new dev.serveragent.console.StoredUpload(media.blobs()));
            routes.add(new dev.serveragent.console.ConsoleUploadRoutes(web, consoleRepository, feed, media, clock));
            List<Channel> channelList = new ArrayList<>();
            telegram.channel().ifPresent(channelList::add);
            if (web.enabled()) {
                channelList.add(console);
            }
            // Presses reach the reactive loop, built below once the channels are known.
            AtomicReference<PressListener> pressTarget = new AtomicReference<>(press -> log.warn("Press before start ignored: {}", press));
            ChannelPort port = new ChannelPort(database, new InboxRepository(database.jdbi()), new OutboxRepository(database.jdbi()),
                    press -> pressTarget.get().onPress(press), clock);
            plugins.forEach(p -> channelList.add(p.open(port)));
            channels = new Channels(channelList, new MessageRepository(database.jdbi()), clock);
            StoredOutbox outbox = new StoredOutbox(new OutboxRepository(database.jdbi()), channels, clock);
            this.outbox = outbox;

            // --- proactive: state and control (the scheduler is added below) ---
            ProactiveStateRepository proactiveState = new ProactiveStateRepository(database.jdbi());
            BudgetGovernor governor = new BudgetGovernor(BudgetPolicy.of(config.proactive()));
            proactive = new ProactiveControl(config.proactive().enabled(), proactiveState, governor, clock);
            MasterChannel master = new MasterChannel(outbox, masters, config.telegram().enabled(), web.enabled(), threads);

            // --- dashboard (issue 14): /admin pages, /admin/api/*, database meters, daily cost report ---
            var operations = new dev.serveragent.store.OperationsRepository(database.jdbi());
            var ledger = new LedgerRepository(database.jdbi());
            routes.add(new dev.serveragent.admin.DashboardRoutes(web, new dev.serveragent.store.DashboardRepository(database.jdbi()),
                    operations, ledger, proactive, masters, config.telegram().enabled(), invite, clock));
            new dev.serveragent.admin.DatabaseMeters(operations, ledger, clock).bindTo(metrics.registry());
            var ackLatency = new dev.serveragent.admin.AckLatency(operations, metrics.registry());
            telegram.components().stream().filter(dev.serveragent.telegram.OutboxSender.class::isInstance)
                    .forEach(c -> ((dev.serveragent.telegram.OutboxSender) c).onSent(ackLatency));
            outbox.onDelivered(ackLatency); // the console's messages are delivered by being stored
            config.report().dailyAt().ifPresent(at -> components.add(dailyReport = new dev.serveragent.report.DailyReport(
                    at, ledger, new dev.serveragent.store.DailyReportRepository(database.jdbi()), master, clock)));
            // --- end dashboard ---

            // --- reactive: classify, acknowledge, approve, answer or execute ---
            reactive = new ReactiveModule(config, database, classifier,
                    runner, new PackedPrompts(promptPack, claudeCode), outbox, channels, masters, pairing,
                    new PairingHint(masters, invite, new MessageRepository(database.jdbi()), outbox, clock), proactive, clock);
            telegram.onJobQueued(reactive.worker()::wake); // a stored message wakes the worker in-process, not only by NOTIFY
            components.addAll(reactive.components());

            // --- agenda (issue 19): tasks, schedules and their firing, /tasks /schedules /tz ---
            agenda = dev.serveragent.agenda.Agenda.build(config.agenda(), database, outbox, channels, masters, clock);
            reactive.addCommands(agenda.commands());
            components.add(agenda.firing());
            dev.serveragent.channel.PressListener presses = agenda.routing(reactive.presses());
            telegram.setPressListener(presses);
            pressTarget.set(presses); // the port's channels (plugins) press through the same routing
            // --- end agenda ---
            // Served even when off: every console path then answers 404 saying why.
            routes.add(new ConsoleRoutes(web, consoleRepository, feed, console, presses,
                    new Notices(classifier.missing(), storedLogin.map(p -> "Using the Claude Code CLI's own stored login ("
                            + p + ") for classification and answers: no token is configured."), config.telegram().enabled(), masters, invite,
                            config.files().secrets(), proactiveNotice(config)),
                    clock));
            routes.add(new dev.serveragent.console.PairingQr(web, invite, masters, config.telegram().enabled()));
            routes.add(new dev.serveragent.admin.SendAgainRoutes(web, new OutboxRepository(database.jdbi()), channels::wakeAll, clock));
            if (!web.enabled()) {
                log.warn("Console and dashboard: {}", web.describe());
            }
            if (config.telegram().enabled() && !masters.anyListedOrPaired()) {
                // At INFO (a first start, not a fault), once the bot's @username is known, so the line has the one-tap link.
                pairing.issue();
                Runnable offer = () -> {
                    if (!masters.anyListedOrPaired()) {
                        invite.log("No Telegram Master yet.");
                    }
                };
                telegram.identity().ifPresent(id -> {
                    id.onKnown(bot -> offer.run());
                    id.onFirstFailure(error -> offer.run()); // the /pair line now; the link follows once getMe answers
                });
            }

            // --- proactive: the scheduler, proposing risky actions through the approval path ---
            proposals = new ApprovalProposals(master, new ApprovalRepository(database.jdbi()), outbox,
                    new dev.serveragent.store.Transactions(database.jdbi()), config.approval(), clock);
            if (config.proactive().enabled()) {
                MemoryRepository memory = new MemoryRepository(database.jdbi());
                ProactiveScheduler scheduler = new ProactiveScheduler(config.proactive(), governor, runner,
                        new LedgerRepository(database.jdbi()), proactiveState, new ProactivePrompt(memory, () -> agenda.goals().list().stream().map(g -> g.line()).toList()),
                        new MemoryWriteback(memory, master, proposals, config.proactive().notableThreshold()), proactive,
                        new LeaderLock(() -> database.dedicatedConnection("server-agent-proactive-leader"), ProactiveScheduler.LEADER_LOCK_KEY),
                        clock, ProactiveScheduler.defaultReplicaId(), agenda::proactiveWork);
                agenda.onProactiveWork(scheduler::wake); // another replica's change is seen at the next leader poll
                scheduler.firstRunNotice(new dev.serveragent.proactive.FirstRunNotice(master, new AgentSettingsRepository(database.jdbi()),
                        dev.serveragent.proactive.ProactiveWork.notice(config.proactive().dailyTokenBudget()), clock));
                // Which replica leads, for operators (and for tests that kill it), like telegram_poll_leader.
                metrics.registry().gauge("proactive.leader", scheduler, s -> s.isLeader() ? 1 : 0);
                components.add(scheduler);
            }

            http = new HttpServer(config.http(), database, metrics, routes, BlobStores.readiness(config, clock));
            components.add(http);
            if (web.enabled()) {
                // After the server: stopped before it, so open feeds end cleanly and do not hold its graceful stop.
                components.add(feed);
            }
            components.addAll(telegram.afterHttp()); // setWebhook only once we can answer
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Haiku through the API when a key is set; else Claude Code's CLI with the Haiku model when
     * the CLI can authenticate (an OAuth token, or its own stored login: subscription-only
     * operators); else none, and the Master is told what is missing.
     */
    private Classifier classifier(AppConfig config, ClaudeRunner runner, boolean storedLogin, Clock clock) {
        // The Master's current time for the acknowledgement's "when" (the agenda, with /tz, is built later).
        java.util.function.Supplier<java.time.ZonedDateTime> now = () -> clock.instant()
                .atZone(agenda() != null ? agenda().zone().current() : config.agenda().masterZone());
        Optional<AnthropicClient> haiku = AnthropicClients.haiku(config.anthropic())
                .map(c -> c.withOptions(o -> o.timeout(config.anthropic().classifierTimeout())));
        if (haiku.isPresent()) {
            resources.add(haiku.get()::close);
            return new HaikuClassifier(haiku.get(), config.anthropic().haikuModel(), now);
        }
        if (config.claudeCode().oauthToken().isPresent() || storedLogin) {
            return new CliClassifier(runner, config.anthropic().haikuModel(), now);
        }
        return Classifier.unavailable("no classifier is configured (set ANTHROPIC_API_KEY, HAIKU_API_KEY or CLAUDE_CODE_OAUTH_TOKEN)",
                noModel(config.files().secrets()));
    }

    /** What a Master is told, in the conversation, when no model can be called; {@code secrets} is where the key goes. */
    static String noModel(java.nio.file.Path secrets) {
        return """
                I can't understand or answer yet: no model is configured. Fix it with one line in %s \
                (keep it readable by you only: chmod 600), then restart:
                  ANTHROPIC_API_KEY=sk-ant-…   (an Anthropic API key)
                or log in the Claude Code CLI on this machine with your Claude subscription (run `claude`, then restart me), \
                or set CLAUDE_CODE_OAUTH_TOKEN (from `claude setup-token`) in the same file.""".formatted(secrets);
    }

    /** Builds and starts everything; on failure, whatever was started is stopped again. */
    public static Application start(AppConfig config, Clock clock) {
        return start(config, clock, Optional.empty());
    }

    /** Like {@link #start(AppConfig, Clock)}, with another runner in place of the Claude Code CLI (tests). */
    public static Application start(AppConfig config, Clock clock, Optional<ClaudeRunner> runnerOverride) {
        return start(config, clock, runnerOverride, List.of());
    }

    /** Like {@link #start(AppConfig, Clock, Optional)}, with more channels than Telegram and the console. */
    public static Application start(AppConfig config, Clock clock, Optional<ClaudeRunner> runnerOverride, List<ChannelPlugin> plugins) {
        Application app = new Application(config, clock, runnerOverride, plugins);
        try {
            for (Lifecycle c : app.components) {
                c.start();
            }
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    private static void describeMissing(AppConfig config, Optional<java.nio.file.Path> storedLogin) {
        if (!config.telegram().enabled()) {
            log.info("TELEGRAM_BOT_TOKEN is not set: Telegram is off; talk to the agent in the console."
                    + " Set TELEGRAM_BOT_TOKEN in {} to use Telegram too.", config.files().secrets());
        }
        if (storedLogin.isPresent()) {
            log.info("Using the Claude Code CLI's own stored login ({}) for classification and answers", storedLogin.get());
        } else if (config.anthropic().haikuApiKey().isEmpty() && config.claudeCode().oauthToken().isEmpty()) {
            log.warn("No model can be called: set ANTHROPIC_API_KEY (or HAIKU_API_KEY) or CLAUDE_CODE_OAUTH_TOKEN in {},"
                    + " or log in the claude CLI on this machine, then restart.", config.files().secrets());
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** The console's address for the start-up log's last line, or why there is none. */
    public String consoleLine() {
        if (!web.enabled()) {
            return "Console off: " + web.describe();
        }
        return "Console: http://localhost:" + http.port() + "/console"
                + (web.mode() == WebAccessPolicy.Mode.TOKEN ? " (log in with ADMIN_TOKEN)" : "");
    }

    public int httpPort() {
        return http.port();
    }

    public Database database() {
        return database;
    }

    public ClaudeCodeRunner claudeRunner() {
        return claudeCode;
    }

    public PromptPack promptPack() {
        return promptPack;
    }

    /** The first-run notice of the proactive loop when it will run (enabled, with a model): what it does, how to feed and pause it. */
    private static Optional<String> proactiveNotice(AppConfig config) {
        return config.proactive().enabled()
                ? Optional.of(dev.serveragent.proactive.ProactiveWork.notice(config.proactive().dailyTokenBudget()))
                : Optional.empty();
    }

    /** The Master's handle on the proactive loop: pause, resume, budget status. */
    public ProactiveControl proactive() {
        return proactive;
    }

    /** The daily cost report, when {@code DAILY_REPORT_AT} is set (tests move the clock and call {@code runDue()}). */
    public Optional<dev.serveragent.report.DailyReport> dailyReport() {
        return Optional.ofNullable(dailyReport);
    }

    /** The access rules of the browser pages (console, dashboard) and their APIs. */
    public WebAccessPolicy webAccess() {
        return web;
    }

    /** The Master's agenda: the services of the tasks and schedules tools, the firing loop (tests call {@code runOnce()}). */
    public dev.serveragent.agenda.Agenda agenda() {
        return agenda;
    }

    /** The proposal sink (built after the agent tools, which look it up at each call). */
    private ProposalSink proposals() {
        return proposals;
    }

    public ReactiveModule reactive() {
        return reactive;
    }

    /** Telegram's channel, sender and artifacts, for tests. */
    public TelegramModule telegram() {
        return telegram;
    }

    /** The one outbox of every channel. */
    public Outbox outbox() {
        return outbox;
    }

    public Channels channels() {
        return channels;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = components.size() - 1; i >= 0; i--) {
            try {
                components.get(i).stop();
            } catch (RuntimeException e) {
                log.warn("Stopping {} failed: {}", components.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        log.info("server-agent stopped");
    }
}
