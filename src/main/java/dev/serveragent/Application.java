package dev.serveragent;

import dev.serveragent.admin.DashboardModule;
import dev.serveragent.agenda.Agenda;
import dev.serveragent.channel.Channel;
import dev.serveragent.channel.ChannelPlugin;
import dev.serveragent.channel.Channels;
import dev.serveragent.channel.ChannelsModule;
import dev.serveragent.channel.MasterNaming;
import dev.serveragent.channel.Outbox;
import dev.serveragent.channel.PressListener;
import dev.serveragent.claude.ClaudeCodeRunner;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.claude.PromptPack;
import dev.serveragent.config.AppConfig;
import dev.serveragent.console.ConsoleChannel;
import dev.serveragent.console.ConsoleModule;
import dev.serveragent.deploy.Settlement;
import dev.serveragent.masters.MastersModule;
import dev.serveragent.masters.PairingInvite;
import dev.serveragent.mcp.AddTaskTool;
import dev.serveragent.mcp.CancelScheduleTool;
import dev.serveragent.mcp.ClaudeCodeModule;
import dev.serveragent.mcp.ForgetTool;
import dev.serveragent.mcp.ListSchedulesTool;
import dev.serveragent.mcp.ListTasksTool;
import dev.serveragent.mcp.ProposeTool;
import dev.serveragent.mcp.ReadMessagesTool;
import dev.serveragent.mcp.RememberTool;
import dev.serveragent.mcp.ScheduleTool;
import dev.serveragent.mcp.SearchMemoryTool;
import dev.serveragent.mcp.SendFileTool;
import dev.serveragent.mcp.ListGoalsTool;
import dev.serveragent.mcp.ReportOutcomeTool;
import dev.serveragent.proactive.CycleReports;
import dev.serveragent.mcp.UpdateTaskTool;
import dev.serveragent.media.BlobStores;
import dev.serveragent.media.MediaModule;
import dev.serveragent.memory.MemorySearch;
import dev.serveragent.memory.Notes;
import dev.serveragent.proactive.MasterChannel;
import dev.serveragent.proactive.ProactiveControl;
import dev.serveragent.proactive.ProactiveModule;
import dev.serveragent.reactive.ApprovalProposals;
import dev.serveragent.reactive.ReactiveModule;
import dev.serveragent.report.DailyReport;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.store.Database;
import dev.serveragent.store.Repositories;
import dev.serveragent.telegram.TelegramModule;
import dev.serveragent.web.Capability;
import dev.serveragent.web.CoreModule;
import dev.serveragent.web.HttpServer;
import dev.serveragent.web.WebAccessPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds each module ({@link Capability}) once from what it needs, in an
 * order where everything a module needs already exists, then starts their components in that
 * order, the HTTP server with every module's routes, and the components that need the server;
 * it stops them in reverse and closes the modules' resources last. Nothing else creates
 * concrete components. {@link #close()} is idempotent and safe from a shutdown hook.
 */
public final class Application implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Application.class);

    private final List<Capability> modules = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Lifecycle> components = new ArrayList<>();
    private CoreModule core;
    private ClaudeCodeModule claude;
    private TelegramModule telegram;
    private ChannelsModule channels;
    private Agenda agenda;
    private ProactiveModule proactive;
    private ReactiveModule reactive;
    private DashboardModule dashboard;
    private HttpServer http;
    private boolean closed;

    /**
     * @param runnerOverride replaces the Claude Code CLI runner in the model-driven loops (tests)
     * @param plugins channels added besides Telegram and the console ({@link ChannelPlugin})
     */
    private Application(AppConfig config, Clock clock, Optional<ClaudeRunner> runnerOverride, List<ChannelPlugin> plugins) {
        try {
            core = add(CoreModule.open(config, clock));
            Repositories repos = core.repositories();
            WebAccessPolicy web = core.web();
            Settlement.settleIfIdle(repos.deployments(), clock); // a deploy killed midway, unless one holds the deploy lock now
            MastersModule masters = MastersModule.build(Stream.concat(Stream.of(TelegramModule.masterNaming(config.telegram()),
                    ConsoleChannel.MASTERS), plugins.stream().map(ChannelPlugin::masters)).toList(), repos.masters(), clock);
            MediaModule media = add(MediaModule.build(config, repos, Channel.TELEGRAM, clock, core.metrics().registry()));
            telegram = add(TelegramModule.build(config, repos, media, masters.masters(), clock, core.metrics().registry()));
            PairingInvite invite = new PairingInvite(masters.pairing(), telegram::botUsername, clock);
            ConsoleModule console = add(ConsoleModule.open(config, web, repos, media, clock));
            List<Channel> builtIn = Stream.concat(telegram.channel().stream(), console.channel().stream()).toList(); // those on
            channels = add(ChannelsModule.build(builtIn, plugins, repos, Optional.of(media.blobs()), clock));
            Outbox outbox = channels.outbox();
            // The agent's own line to the Master: Telegram's first Master when there is one, else the console.
            MasterChannel master = new MasterChannel(outbox, masters.masters(), builtIn.stream().map(Channel::platform).toList(), repos.threads());
            agenda = add(Agenda.build(config.agenda(), repos, outbox, channels.channels(), masters.masters(), clock));
            var proposals = new ApprovalProposals(master, repos.approvals(), outbox, repos.transactions(), config.approval(), clock);
            agenda.firing().askWith(proposals::ask); // a scheduled task come due too late waits for the Master's OK

            // The agent's own MCP tools (docs/MEMORY.md, docs/AGENDA.md): to add a tool, add it to this list.
            Notes notes = new Notes(repos.notes(), clock);
            MemorySearch memory = new MemorySearch(repos.search());
            claude = add(ClaudeCodeModule.build(config, List.of(
                    new SearchMemoryTool(memory), new ReadMessagesTool(memory, clock), new RememberTool(notes), new ForgetTool(notes),
                    new ListTasksTool(agenda.tasks()), new AddTaskTool(agenda.tasks()), new UpdateTaskTool(agenda.tasks()),
                    new ScheduleTool(agenda.schedules()), new ListSchedulesTool(agenda.schedules()),
                    new CancelScheduleTool(agenda.schedules()), new ProposeTool(proposals), new SendFileTool(outbox),
                    new ListGoalsTool(agenda.goals()), new ReportOutcomeTool(new CycleReports(repos.proactiveState()))),
                    notes::section, runnerOverride, clock, core.metrics().registry()));

            proactive = add(ProactiveModule.build(config.proactive(), repos, claude.runner(), master, proposals,
                    agenda::proactiveWork,
                    () -> agenda.goals().list().stream().map(g -> g.line()).toList(), clock, core.metrics().registry()));
            agenda.onProactiveWork(proactive::wake); // another replica's change is seen at the next leader poll
            proactive.sendFirstRunNotice(master, repos, clock);
            reactive = add(ReactiveModule.build(config, repos, claude.runner(), claude.promptPack(), claude.claudeCode(),
                    claude.storedLogin(), channels, masters, invite, proactive.control(),
                    () -> clock.instant().atZone(agenda.zone().current()), clock));
            telegram.onJobQueued(reactive.worker()::wake); // a stored message wakes the worker in-process, not only by NOTIFY
            reactive.addCommands(agenda.commands());
            dashboard = add(DashboardModule.build(config, web, repos, proactive.control(), masters.masters(), invite, master, agenda, notes, memory,
                    channels.channels()::wakeAll, clock, core.metrics().registry()));
            telegram.onSent(dashboard.ackLatency());
            channels.outbox().onDelivered(dashboard.ackLatency()); // the console's messages are delivered by being stored

            PressListener presses = agenda.routing(reactive.presses()); // every channel's presses: the agenda's buttons, then approvals
            telegram.setPressListener(presses);
            channels.routePresses(presses);
            console.servePages(presses, reactive.classifier().missing(), claude.storedLogin(), proactive.notice(), masters.masters(), invite);
            if (!web.enabled()) {
                log.warn("Console and dashboard: {}", web.describe());
            }
            telegram.offerPairing(masters.masters(), masters.pairing(), invite);

            // Start order: the tool server (ClaudeCodeModule) before the loops that start runs; the HTTP server
            // with every route; then what needs it answering (the console's feeds, Telegram's setWebhook).
            modules.forEach(m -> components.addAll(m.components()));
            http = new HttpServer(config.http(), core.database(), core.metrics(),
                    modules.stream().flatMap(m -> m.routes().stream()).toList(), BlobStores.readiness(config, clock));
            components.add(http);
            modules.forEach(m -> components.addAll(m.afterHttp()));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Registers a module: its resources are closed with the application even if a later module fails to build. */
    private <M extends Capability> M add(M module) {
        modules.add(module);
        resources.addAll(module.resources());
        return module;
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

    /** The console's address for the start-up log's last line, or why there is none. */
    public String consoleLine() {
        WebAccessPolicy web = core.web();
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
        return core.database();
    }

    public ClaudeCodeRunner claudeRunner() {
        return claude.claudeCode();
    }

    public PromptPack promptPack() {
        return claude.promptPack();
    }

    /** The Master's handle on the proactive loop: pause, resume, budget status. */
    public ProactiveControl proactive() {
        return proactive.control();
    }

    /** The daily cost report, when {@code DAILY_REPORT_AT} is set (tests move the clock and call {@code runDue()}). */
    public Optional<DailyReport> dailyReport() {
        return dashboard.dailyReport();
    }

    /** The access rules of the browser pages (console, dashboard) and their APIs. */
    public WebAccessPolicy webAccess() {
        return core.web();
    }

    /** The Master's agenda: the services of the tasks and schedules tools, the firing loop (tests call {@code runOnce()}). */
    public Agenda agenda() {
        return agenda;
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
        return channels.outbox();
    }

    public Channels channels() {
        return channels.channels();
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
