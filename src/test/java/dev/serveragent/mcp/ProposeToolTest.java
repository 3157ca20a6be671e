package dev.serveragent.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.channel.Channel;
import dev.serveragent.channel.ChannelsModule;
import dev.serveragent.channel.StoredOutbox;
import dev.serveragent.claude.ClaudeRequest.Mode;
import dev.serveragent.config.ApprovalConfig;
import dev.serveragent.console.ConsoleChannel;
import dev.serveragent.masters.Masters;
import dev.serveragent.masters.MastersModule;
import dev.serveragent.proactive.MasterChannel;
import dev.serveragent.reactive.ApprovalProposals;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.store.Repositories;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code propose} through the MCP SDK's own client: a proactive run's proposal becomes the same
 * parked job, pending approval and OK message as the loop's outcome block makes (ApprovalProposals).
 */
class ProposeToolTest {
    @AutoClose static final TestDatabase db = TestDatabase.create();
    static final TestClock clock = new TestClock(Instant.parse("2026-12-05T12:00:00Z"));
    @TempDir static Path workdir;
    static AgentToolServer server;
    static AgentToolServer masterless;
    static ApprovalRepository approvals;
    static long consoleThread;

    @BeforeAll
    static void start() {
        approvals = new ApprovalRepository(db.jdbi());
        Repositories repositories = new Repositories(db.database(), clock);
        ThreadRepository threads = repositories.threads();
        StoredOutbox outbox = ChannelsModule.build(List.of(), List.of(), repositories, Optional.empty(), clock).outbox();
        Masters masters = MastersModule.build(List.of(ConsoleChannel.MASTERS), repositories.masters(), clock).masters();
        ApprovalConfig config = new ApprovalConfig(ApprovalConfig.Policy.AUTO, ApprovalConfig.DEFAULT_TIMEOUT);
        // Telegram off, the console on: the Master's thread is the console's.
        MasterChannel master = new MasterChannel(outbox, masters, List.of(Channel.CONSOLE), threads);
        consoleThread = master.threadId().orElseThrow();
        var sink = new ApprovalProposals(master, approvals, outbox, repositories.transactions(), config, clock);
        server = new AgentToolServer(List.of(new ProposeTool(sink)), workdir, clock);
        server.start();
        // Neither Telegram nor the console: nobody to propose to.
        MasterChannel nobody = new MasterChannel(outbox, masters, List.of(), threads);
        var unreachable = new ApprovalProposals(nobody, approvals, outbox, repositories.transactions(), config, clock);
        masterless = new AgentToolServer(List.of(new ProposeTool(unreachable)), workdir, clock);
        masterless.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        masterless.stop();
    }

    @Test
    void a_proactive_proposal_is_a_pending_approval_with_an_ok_message_in_the_masters_thread_and_ok_queues_the_command() {
        try (var run = ToolRun.open(server, Mode.PROACTIVE, null)) {
            String done = run.ok("propose", Map.of("summary", "The disk is 91% full; old logs take 40 GB.",
                    "plan", "delete the logs under /var/log/app older than 30 days"));
            assertThat(done).startsWith("Proposed as approval #").contains("OK runs the plan");
            long id = Long.parseLong(done.replaceAll("^Proposed as approval #(\\d+).*$", "$1"));

            ApprovalRepository.Approval approval = approvals.find(id).orElseThrow();
            assertThat(approval.status()).isEqualTo("pending");
            assertThat(approval.threadId()).isEqualTo(consoleThread);
            assertThat(approval.proposalText()).isEqualTo("delete the logs under /var/log/app older than 30 days");
            Map<String, Object> message = db.jdbi().withHandle(h -> h.createQuery(
                            "select thread_id, text, reply_markup::text from chat_messages where id = :id")
                    .bind("id", approval.ackMessageId()).mapToMap().one());
            assertThat(message.get("thread_id")).isEqualTo(consoleThread);
            assertThat((String) message.get("text")).isEqualTo("Proposal: The disk is 91% full; old logs take 40 GB."
                    + " Will: delete the logs under /var/log/app older than 30 days");
            assertThat((String) message.get("reply_markup")).contains("ok:" + id).contains("OK");
            assertThat(jobStatus(approval.jobId())).isEqualTo("awaiting_approval");

            // The Master presses OK (Approvals does this after checking the presser): the job is queued as an approved command.
            Optional<Long> job = approvals.approve(id, 1L, clock.instant());
            assertThat(job).contains(approval.jobId());
            assertThat(jobStatus(approval.jobId())).isEqualTo("queued");
            Map<String, Object> queued = db.jdbi().withHandle(h -> h.createQuery("select mode, payload_json->'classification'->>'plan'"
                    + " as plan from reactive_jobs where id = :id").bind("id", approval.jobId()).mapToMap().one());
            assertThat(queued).containsEntry("mode", "execute")
                    .containsEntry("plan", "delete the logs under /var/log/app older than 30 days");
        }
    }

    @Test
    void bad_arguments_and_no_master_get_a_clear_error_and_write_nothing() {
        try (var run = ToolRun.open(server, Mode.PROACTIVE, null)) {
            long approvalsBefore = count("approvals");
            long jobsBefore = count("reactive_jobs");
            long messagesBefore = count("chat_messages");
            assertThat(run.error("propose", Map.of("summary", "why"))).contains("plan");
            assertThat(run.error("propose", Map.of("plan", "restart nginx"))).contains("summary");
            assertThat(run.error("propose", Map.of("summary", "  ", "plan", "restart nginx"))).contains("'summary' is empty");
            assertThat(run.error("propose", Map.of("summary", "why", "plan", "x".repeat(ProposeTool.MAX_PLAN + 1))))
                    .contains("plan");
            assertThat(run.error("propose", Map.of("summary", "why", "plan", "restart nginx", "risk", "high"))).contains("risk");
            try (var lonely = ToolRun.open(masterless, Mode.PROACTIVE, null)) {
                assertThat(lonely.error("propose", Map.of("summary", "why", "plan", "restart nginx")))
                        .contains("no Master is known yet").contains("nothing was sent");
            }
            assertThat(count("approvals")).isEqualTo(approvalsBefore);
            assertThat(count("reactive_jobs")).isEqualTo(jobsBefore);
            assertThat(count("chat_messages")).isEqualTo(messagesBefore);
        }
    }

    @Test
    void question_and_command_runs_neither_see_nor_call_it() {
        for (Mode mode : List.of(Mode.QUESTION, Mode.COMMAND)) {
            try (var run = ToolRun.open(server, mode, consoleThread)) {
                assertThat(run.client().listTools().tools()).extracting(McpSchema.Tool::name).doesNotContain("propose");
                long before = count("approvals");
                assertThat(run.error("propose", Map.of("summary", "why", "plan", "restart nginx"))).contains("not available");
                assertThat(count("approvals")).isEqualTo(before);
            }
        }
    }

    private static String jobStatus(long job) {
        return db.jdbi().withHandle(h -> h.createQuery("select status from reactive_jobs where id = :id").bind("id", job)
                .mapTo(String.class).one());
    }

    private static long count(String table) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from " + table).mapTo(Long.class).one());
    }
}
