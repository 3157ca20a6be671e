package dev.serveragent.admin;

import dev.serveragent.config.AppConfig;
import dev.serveragent.masters.Masters;
import dev.serveragent.masters.PairingInvite;
import dev.serveragent.proactive.MasterChannel;
import dev.serveragent.proactive.ProactiveControl;
import dev.serveragent.report.DailyReport;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.store.Repositories;
import dev.serveragent.web.Capability;
import dev.serveragent.web.HttpRoutes;
import dev.serveragent.web.WebAccess;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import dev.serveragent.agenda.Agenda;
import dev.serveragent.memory.MemorySearch;
import dev.serveragent.memory.Notes;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The dashboard (issue 14), assembled: the {@code /admin} pages and {@code /admin/api/*}, sending
 * a failed message again, the database meters, the acknowledgement-latency meter (each channel's
 * sender reports to {@link #ackLatency()}), and the daily cost report when {@code DAILY_REPORT_AT}
 * is set.
 */
public final class DashboardModule implements Capability {
    private final List<HttpRoutes> routes;
    private final AckLatency ackLatency;
    private final Optional<DailyReport> dailyReport;

    private DashboardModule(List<HttpRoutes> routes, AckLatency ackLatency, Optional<DailyReport> dailyReport) {
        this.routes = routes;
        this.ackLatency = ackLatency;
        this.dailyReport = dailyReport;
    }

    /**
     * @param master where the daily report goes
     * @param agenda the agenda page's tasks and schedules, {@code notes} its notes
     * @param search the conversations page's search: the agent's own {@code search_memory}
     * @param wakeSenders wakes every channel's sender (a message queued again)
     */
    public static DashboardModule build(AppConfig config, WebAccess web, Repositories repositories, ProactiveControl proactive,
            Masters masters, PairingInvite invite, MasterChannel master, Agenda agenda, Notes notes, MemorySearch search,
            Runnable wakeSenders, Clock clock, MeterRegistry metrics) {
        var operations = repositories.operations();
        var ledger = repositories.ledger();
        List<HttpRoutes> routes = List.of(
                new DashboardRoutes(web, repositories.dashboard(), search, operations, ledger, proactive, masters, config.telegram().enabled(),
                        invite, clock),
                new SendAgainRoutes(web, repositories.outbox(), wakeSenders, clock),
                new AgendaRoutes(web, agenda, notes, clock));
        new DatabaseMeters(operations, ledger, clock).bindTo(metrics);
        Optional<DailyReport> report = config.report().dailyAt()
                .map(at -> new DailyReport(at, ledger, repositories.dailyReports(), master, clock));
        return new DashboardModule(routes, new AckLatency(operations, metrics), report);
    }

    /** Told each message's id once its channel delivered it. */
    public LongConsumer ackLatency() {
        return ackLatency;
    }

    /** The daily cost report, when {@code DAILY_REPORT_AT} is set. */
    public Optional<DailyReport> dailyReport() {
        return dailyReport;
    }

    @Override
    public List<HttpRoutes> routes() {
        return routes;
    }

    @Override
    public List<Lifecycle> components() {
        return dailyReport.<List<Lifecycle>>map(List::of).orElse(List.of());
    }
}
