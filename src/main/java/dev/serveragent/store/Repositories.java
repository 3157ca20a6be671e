package dev.serveragent.store;

import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * Every repository of the shared tables, built once by the composition root from the one
 * {@link Database} and handed to the modules that need them (a channel's own tables have their
 * repositories in the channel's package). Repositories hold no state beyond the pool, so one
 * instance of each serves every module.
 */
public final class Repositories {
    private final Database database;
    private final AgentSettingsRepository settings;
    private final ApprovalRepository approvals;
    private final ArtifactRepository artifacts;
    private final ContextRepository context;
    private final DailyReportRepository dailyReports;
    private final DashboardRepository dashboard;
    private final DeploymentRepository deployments;
    private final GoalRepository goals;
    private final InboxRepository inbox;
    private final JobRepository jobs;
    private final LedgerRepository ledger;
    private final MasterRepository masters;
    private final MemoryRepository memory;
    private final MessageRepository messages;
    private final NoteRepository notes;
    private final OperationsRepository operations;
    private final OutboxRepository outbox;
    private final ProactiveStateRepository proactiveState;
    private final ScheduleRepository schedules;
    private final SearchRepository search;
    private final TaskRepository tasks;
    private final ThreadRepository threads;
    private final Transactions transactions;
    private final WebSessionRepository webSessions;

    public Repositories(Database database, Clock clock) {
        this.database = database;
        Jdbi jdbi = database.jdbi();
        settings = new AgentSettingsRepository(jdbi);
        approvals = new ApprovalRepository(jdbi);
        artifacts = new ArtifactRepository(jdbi);
        context = new ContextRepository(jdbi);
        dailyReports = new DailyReportRepository(jdbi);
        dashboard = new DashboardRepository(jdbi);
        deployments = new DeploymentRepository(jdbi);
        goals = new GoalRepository(jdbi);
        inbox = new InboxRepository(jdbi);
        jobs = new JobRepository(jdbi);
        ledger = new LedgerRepository(jdbi);
        masters = new MasterRepository(jdbi);
        memory = new MemoryRepository(jdbi);
        messages = new MessageRepository(jdbi);
        notes = new NoteRepository(jdbi);
        operations = new OperationsRepository(jdbi);
        outbox = new OutboxRepository(jdbi);
        proactiveState = new ProactiveStateRepository(jdbi);
        schedules = new ScheduleRepository(jdbi);
        search = new SearchRepository(jdbi);
        tasks = new TaskRepository(jdbi);
        threads = new ThreadRepository(jdbi, clock);
        transactions = new Transactions(jdbi);
        webSessions = new WebSessionRepository(jdbi);
    }

    /** The pool itself: dedicated connections (leader locks, LISTEN) and a channel's own repositories. */
    public Database database() {
        return database;
    }

    public AgentSettingsRepository settings() {
        return settings;
    }

    public ApprovalRepository approvals() {
        return approvals;
    }

    public ArtifactRepository artifacts() {
        return artifacts;
    }

    public ContextRepository context() {
        return context;
    }

    public DailyReportRepository dailyReports() {
        return dailyReports;
    }

    public DashboardRepository dashboard() {
        return dashboard;
    }

    public DeploymentRepository deployments() {
        return deployments;
    }

    public InboxRepository inbox() {
        return inbox;
    }

    public JobRepository jobs() {
        return jobs;
    }

    public LedgerRepository ledger() {
        return ledger;
    }

    public MasterRepository masters() {
        return masters;
    }

    public MemoryRepository memory() {
        return memory;
    }

    public MessageRepository messages() {
        return messages;
    }

    public NoteRepository notes() {
        return notes;
    }

    public OperationsRepository operations() {
        return operations;
    }

    public OutboxRepository outbox() {
        return outbox;
    }

    public ProactiveStateRepository proactiveState() {
        return proactiveState;
    }

    public GoalRepository goals() {
        return goals;
    }

    public ScheduleRepository schedules() {
        return schedules;
    }

    public SearchRepository search() {
        return search;
    }

    public TaskRepository tasks() {
        return tasks;
    }

    public ThreadRepository threads() {
        return threads;
    }

    public Transactions transactions() {
        return transactions;
    }

    public WebSessionRepository webSessions() {
        return webSessions;
    }
}
