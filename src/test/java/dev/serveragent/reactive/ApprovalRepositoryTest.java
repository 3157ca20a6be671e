package dev.serveragent.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.store.JobMode;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.console.ConsoleRepository;
import dev.serveragent.store.JobRepository;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApprovalRepositoryTest {
    TestDatabase db;
    JobRepository jobs;
    ApprovalRepository approvals;
    QueueFixtures fx;
    Instant now = Instant.parse("2026-11-25T12:00:00Z");

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        jobs = new JobRepository(db.jdbi());
        approvals = new ApprovalRepository(db.jdbi());
        fx = new QueueFixtures(db.jdbi());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private long parkedApproval(long thread, long job) {
        jobs.claim("w", now, Duration.ofSeconds(30), 1);
        return approvals.createAndPark(thread, job, "w", JobMode.EXECUTE, "{}", "do it", now, now.plusSeconds(3600)).orElseThrow();
    }

    @Test
    void approving_a_pending_approval_queues_its_job_once() {
        long t = fx.thread();
        long job = fx.job(t, "deploy it");
        long a = parkedApproval(t, job);
        assertThat(fx.status(job)).isEqualTo("awaiting_approval");

        assertThat(approvals.approve(a, 7, now.plusSeconds(5))).contains(job);
        assertThat(fx.status(job)).isEqualTo("queued");
        assertThat(approvals.approve(a, 7, now.plusSeconds(6))).as("a second press does nothing").isEmpty();
        assertThat(approvals.find(a).orElseThrow().status()).isEqualTo("approved");
    }

    @Test
    void a_superseded_approval_can_never_be_approved() {
        long t = fx.thread();
        long job = fx.job(t, "deploy it");
        long a = parkedApproval(t, job);
        assertThat(approvals.supersedePending(t, job, now)).isEqualTo(1);
        assertThat(approvals.approve(a, 7, now)).isEmpty();
        assertThat(fx.status(job)).isEqualTo("awaiting_approval");
    }

    @Test
    void a_burst_supersedes_only_the_pending_approvals_of_its_own_sender() {
        long t = fx.thread();
        long job = fx.job(t, "deploy it");
        long a = parkedApproval(t, job);
        long member = fx.job(t, "hi all", 9999);
        assertThat(approvals.supersedePending(t, member, now)).isZero();
        assertThat(approvals.find(a).orElseThrow().status()).isEqualTo("pending");
    }

    @Test
    void the_masters_next_message_in_the_console_supersedes_a_pending_proposal_of_the_proactive_loop() {
        ConsoleRepository console = new ConsoleRepository(db.jdbi(), new ThreadRepository(db.jdbi(), java.time.Clock.systemUTC()), 0);
        long t = console.threadId();
        long proposal = approvals.createProposal(t, JobMode.EXECUTE, "{}", "rotate the logs", now, now.plusSeconds(3600));
        long proposalJob = approvals.find(proposal).orElseThrow().jobId();

        console.storeUserMessage(t, 0, "not now", java.util.Optional.empty(), now.plusSeconds(5));

        assertThat(approvals.find(proposal).orElseThrow().status()).isEqualTo("superseded");
        assertThat(fx.status(proposalJob)).isEqualTo("canceled");
    }

    @Test
    void expiry_fails_the_waiting_job_and_late_presses_change_nothing() {
        long t = fx.thread();
        long job = fx.job(t, "deploy it");
        long a = parkedApproval(t, job);
        assertThat(approvals.expireDue(now.plusSeconds(3599))).isEmpty();
        assertThat(approvals.approve(a, 7, now.plusSeconds(3600))).as("past the deadline, even before the sweep").isEmpty();

        var expired = approvals.expireDue(now.plusSeconds(3600));
        assertThat(expired).extracting(ApprovalRepository.Expired::id).containsExactly(a);
        assertThat(fx.status(job)).isEqualTo("failed");
        assertThat(approvals.find(a).orElseThrow().status()).isEqualTo("expired");
    }

    @Test
    void parking_fails_when_the_job_was_canceled_meanwhile() {
        long t = fx.thread();
        long job = fx.job(t, "deploy it");
        jobs.claim("w", now, Duration.ofSeconds(30), 1);
        jobs.cancelThread(t, now, "new message", -1);
        assertThat(approvals.createAndPark(t, job, "w", JobMode.EXECUTE, "{}", "do it", now, now.plusSeconds(60))).isEmpty();
        int count = db.jdbi().withHandle(h -> h.createQuery("select count(*) from approvals").mapTo(Integer.class).one());
        assertThat(count).isZero();
    }
}
