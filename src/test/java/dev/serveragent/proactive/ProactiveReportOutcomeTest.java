package dev.serveragent.proactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.agenda.Scope;
import dev.serveragent.agenda.Task;
import dev.serveragent.agenda.Tasks;
import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.ClaudeRequest.Mode;
import dev.serveragent.claude.ClaudeResult;
import dev.serveragent.claude.ClaudeRun;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.claude.Usage;
import dev.serveragent.mcp.AgentToolServer;
import dev.serveragent.mcp.ReportOutcomeTool;
import dev.serveragent.mcp.ToolRun;
import dev.serveragent.mcp.UpdateTaskTool;
import dev.serveragent.proactive.ProactiveScheduler.Tick;
import dev.serveragent.store.ProactiveStateRepository;
import dev.serveragent.store.TaskRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proactive cycle records its outcome through the tools ({@code report_outcome}, {@code update_task}),
 * called through the MCP SDK's client while the scheduler's run is in flight: the cycle is written
 * back from the report even when the final text has no valid block or the run is stopped.
 */
class ProactiveReportOutcomeTest {
    TestDatabase db;
    final TestClock clock = new TestClock(Instant.parse("2026-03-10T08:00:00Z"));
    @TempDir
    Path workdir;
    AgentToolServer server;
    Tasks tasks;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        tasks = new Tasks(new TaskRepository(db.jdbi()), clock);
        server = new AgentToolServer(List.of(new ReportOutcomeTool(new CycleReports(new ProactiveStateRepository(db.jdbi()))),
                new UpdateTaskTool(tasks)), workdir, clock);
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop();
        db.close();
    }

    /** A runner whose run calls the agent's tools as the CLI would, then ends with {@code body}'s result. */
    static final class ToolCallingRunner implements ClaudeRunner {
        final List<ClaudeRequest> requests = new CopyOnWriteArrayList<>();
        private final Function<ClaudeRequest, ClaudeResult> body;

        ToolCallingRunner(Function<ClaudeRequest, ClaudeResult> body) {
            this.body = body;
        }

        @Override
        public ClaudeRun start(ClaudeRequest request) {
            requests.add(request);
            ClaudeResult result = body.apply(request);
            return new ClaudeRun() {
                public ClaudeResult await() {
                    return result;
                }

                public Optional<ClaudeResult> await(Duration timeout) {
                    return Optional.of(result);
                }

                public void cancel() {}
            };
        }
    }

    static final Usage USAGE = new Usage(40_000, 2_000, 0, 0);

    private String outcomeOf(long cycle) {
        return db.jdbi().withHandle(h -> h.createQuery("select outcome || '|' || coalesce(outcome_error, '-') || '|' || summary"
                + " from proactive_cycles where id = :id").bind("id", cycle).mapTo(String.class).one());
    }

    private List<String> notes(String kind) {
        return db.jdbi().withHandle(h -> h.createQuery("select content from memory_notes where kind = :k order by id desc")
                .bind("k", kind).mapTo(String.class).list());
    }

    @Test
    void a_run_that_reports_through_the_tools_counts_as_done_though_its_final_text_has_a_malformed_block() {
        Task task = tasks.add(Scope.reactive(1), Tasks.NewTask.titled("check the disk"));
        ToolCallingRunner runner = new ToolCallingRunner(request -> {
            try (ToolRun run = ToolRun.open(server, Mode.PROACTIVE, null)) {
                run.ok("update_task", Map.of("task_id", task.id(), "status", "done", "notes", "91% full, /var/log is 40 GB"));
                String r = run.ok("report_outcome", Map.of("summary", "Checked the disk: 91% full.",
                        "next_prompt_aroma", "Look at /var/log next.", "notable", "The disk is 91% full", "significance", 0.9));
                assertThat(r).startsWith("Recorded as the outcome of cycle 1.");
            }
            return new ClaudeResult.Completed("Done.\n```json\n{\"summary\": \"Checked the disk\", oops", Optional.of("s"), 3, 0.0, USAGE);
        });
        try (Replica r = new Replica(db, Replica.config(7_000_000), runner, clock, "report")) {
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);

            assertThat(outcomeOf(1)).isEqualTo("ok|-|Checked the disk: 91% full.");
            assertThat(notes("cycle_summary")).containsExactly("Checked the disk: 91% full.");
            assertThat(notes("aroma")).containsExactly("Look at /var/log next.");
            assertThat(tasks.list(Scope.reactive(1), new Tasks.Query(Optional.of("all"), Optional.empty(), Optional.empty())))
                    .singleElement().satisfies(t -> assertThat(t.status()).isEqualTo("done"));
            assertThat(r.outbox.sent).extracting(RecordingOutbox.Sent::text).containsExactly("Proactive: The disk is 91% full");
            long ledgerRows = db.jdbi().withHandle(h -> h.createQuery("select count(*) from token_ledger where scope = 'proactive'")
                    .mapTo(Long.class).one());
            assertThat(ledgerRows).isEqualTo(1);
        }
        // The next cycle starts from the report; a report belongs to its own cycle only.
        clock.advance(Duration.ofHours(2));
        ToolCallingRunner plain = new ToolCallingRunner(request -> new ClaudeResult.Completed(
                ScriptedClaudeRunner.block("Rotated the logs.", ""), Optional.of("s"), 2, 0.0, USAGE));
        try (Replica r = new Replica(db, Replica.config(7_000_000), plain, clock, "report2")) {
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);
            assertThat(plain.requests.getFirst().prompt()).contains("Look at /var/log next.").contains("Checked the disk: 91% full.");
            assertThat(outcomeOf(2)).isEqualTo("ok|-|Rotated the logs.");
        }
    }

    @Test
    void a_report_survives_a_run_stopped_at_its_ceiling_and_without_any_report_a_malformed_end_is_recorded_as_such() {
        ToolCallingRunner stopped = new ToolCallingRunner(request -> {
            try (ToolRun run = ToolRun.open(server, Mode.PROACTIVE, null)) {
                run.ok("report_outcome", Map.of("summary", "Half of the log rotation is done."));
            }
            return new ClaudeResult.Failed(ClaudeResult.Kind.CEILING, "token ceiling crossed", Optional.of("s"), USAGE);
        });
        try (Replica r = new Replica(db, Replica.config(7_000_000), stopped, clock, "stopped")) {
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);
            assertThat(outcomeOf(1)).startsWith("ok|-|Half of the log rotation is done. (Cycle 1 was stopped (ceiling)");
            assertThat(r.state.cycles().getFirst().status()).isEqualTo("failed");
        }
        clock.advance(Duration.ofHours(2));
        ToolCallingRunner silent = new ToolCallingRunner(request -> new ClaudeResult.Completed("I did things but forgot to say.",
                Optional.of("s"), 2, 0.0, USAGE));
        try (Replica r = new Replica(db, Replica.config(7_000_000), silent, clock, "silent")) {
            assertThat(r.scheduler.runDue()).isEqualTo(Tick.RAN);
            assertThat(r.state.cycles().get(1).outcome()).contains("malformed");
            assertThat(notes("cycle_summary").getFirst()).contains("without calling report_outcome");
        }
    }

    @Test
    void report_outcome_is_for_a_running_proactive_cycle_only_and_bad_arguments_write_nothing() {
        try (ToolRun run = ToolRun.open(server, Mode.PROACTIVE, null)) {
            assertThat(run.error("report_outcome", Map.of("summary", "did a step"))).contains("no proactive cycle is running");
            long cycle = db.jdbi().withHandle(h -> h.createQuery("""
                    insert into proactive_cycles (leader, started_at, lease_until, token_ceiling)
                    values ('t', now(), now() + interval '1 hour', 1000) returning id""").mapTo(Long.class).one());
            assertThat(run.error("report_outcome", Map.of("summary", "  "))).contains("'summary' is empty");
            assertThat(run.error("report_outcome", Map.of("summary", "x", "significance", 0.9))).contains("without 'notable'");
            assertThat(run.error("report_outcome", Map.of("summary", "x", "notable", "y", "significance", 2))).contains("significance");
            assertThat(run.error("report_outcome", Map.of("summary", "x".repeat(CycleReports.MAX_SUMMARY + 1)))).contains("summary");
            assertThat(run.error("report_outcome", Map.of("summary", "x", "outcome", "ok"))).contains("outcome");
            assertThat(new CycleReports(new ProactiveStateRepository(db.jdbi())).of(cycle)).isEmpty();

            run.ok("report_outcome", Map.of("summary", "first"));
            run.ok("report_outcome", Map.of("summary", "second", "notable", "n"));
            CycleReports.Report report = new CycleReports(new ProactiveStateRepository(db.jdbi())).of(cycle).orElseThrow();
            assertThat(report.summary()).isEqualTo("second");
            assertThat(report.notable()).hasValueSatisfying(n -> assertThat(n.significance()).isEqualTo(0.5));
        }
        for (Mode mode : List.of(Mode.QUESTION, Mode.COMMAND)) {
            try (ToolRun run = ToolRun.open(server, mode, 7L)) {
                assertThat(run.client().listTools().tools()).extracting(McpSchema.Tool::name).doesNotContain("report_outcome");
                assertThat(run.error("report_outcome", Map.of("summary", "x"))).contains("not available");
            }
        }
    }
}
