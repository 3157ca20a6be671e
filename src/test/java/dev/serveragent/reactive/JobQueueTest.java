package dev.serveragent.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.store.JobStatus;
import dev.serveragent.store.JobMode;
import dev.serveragent.store.JobRepository;
import dev.serveragent.store.JobRepository.Job;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JobQueueTest {
    static final Duration LEASE = Duration.ofSeconds(30);
    TestDatabase db;
    JobRepository jobs;
    QueueFixtures fx;
    Instant now = Instant.parse("2026-11-25T12:00:00Z");

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        jobs = new JobRepository(db.jdbi());
        fx = new QueueFixtures(db.jdbi());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private List<Long> ids(List<Job> claimed) {
        return claimed.stream().map(Job::id).toList();
    }

    @Test
    void jobs_of_one_thread_run_one_at_a_time_in_order_while_threads_run_in_parallel() {
        long a = fx.thread();
        long b = fx.thread();
        long a1 = fx.job(a, "first");
        long a2 = fx.job(a, "second");
        long b1 = fx.job(b, "other thread");

        assertThat(ids(jobs.claim("w1", now, LEASE, 10))).containsExactly(a1, b1);
        assertThat(jobs.claim("w2", now, LEASE, 10)).as("a2 waits for a1").isEmpty();

        assertThat(jobs.finish(a1, "w1", JobStatus.DONE, null, null, now)).isTrue();
        assertThat(ids(jobs.claim("w2", now, LEASE, 10))).containsExactly(a2);
    }

    @Test
    void only_a_newer_message_of_the_same_sender_makes_a_burst() {
        long t = fx.thread();
        long master = fx.job(t, "restart nginx");
        fx.job(t, "hi all", 9999); // another member of the group
        assertThat(jobs.hasNewerJob(master, t)).as("a member's message never supersedes the Master's").isFalse();

        fx.job(t, "actually, restart apache");
        assertThat(jobs.hasNewerJob(master, t)).isTrue();
    }

    @Test
    void a_classification_does_not_wait_for_its_threads_running_command_only_for_earlier_classifications() {
        long t = fx.thread();
        long command = fx.job(t, "run the backup");
        jobs.claim("w1", now, LEASE, 1);
        assertThat(jobs.requeue(command, "w1", JobMode.EXECUTE, null, now, true)).isTrue();
        assertThat(ids(jobs.claim("w1", now, LEASE, 5))).containsExactly(command); // Claude Code runs it now

        long second = fx.job(t, "how long will it take?");
        long third = fx.job(t, "and tell me when it is done");
        assertThat(ids(jobs.claim("w2", now, LEASE, 5))).as("acknowledged while the command runs; the third waits for the second")
                .containsExactly(second);
        assertThat(jobs.requeue(second, "w2", JobMode.ANSWER, null, now, true)).isTrue();
        assertThat(ids(jobs.claim("w2", now, LEASE, 5))).as("the second's answer waits for the command; the third is classified")
                .containsExactly(third);

        assertThat(jobs.finish(command, "w1", JobStatus.DONE, null, null, now)).isTrue();
        assertThat(ids(jobs.claim("w1", now, LEASE, 5))).containsExactly(second);
    }

    @Test
    void a_slash_command_jumps_its_threads_queue() {
        long t = fx.thread();
        long busy = fx.job(t, "a long task");
        long cancel = fx.job(t, "/cancel");
        assertThat(ids(jobs.claim("w1", now, LEASE, 1))).containsExactly(busy);
        assertThat(ids(jobs.claim("w1", now, LEASE, 5))).containsExactly(cancel);
    }

    @Test
    void a_job_whose_lease_ran_out_is_reclaimed_by_another_worker_and_flagged() {
        long t = fx.thread();
        long job = fx.job(t, "hello");
        Job first = jobs.claim("dead-worker", now, LEASE, 1).getFirst();
        assertThat(first.reclaimed()).isFalse();

        assertThat(jobs.claim("w2", now.plus(LEASE).minusSeconds(1), LEASE, 1)).as("lease still valid").isEmpty();
        Job again = jobs.claim("w2", now.plus(LEASE).plusSeconds(1), LEASE, 1).getFirst();
        assertThat(again.id()).isEqualTo(job);
        assertThat(again.reclaimed()).isTrue();
        assertThat(again.attempts()).isEqualTo(2);

        assertThat(jobs.finish(job, "dead-worker", JobStatus.DONE, null, null, now)).as("the old holder lost it").isFalse();
        assertThat(jobs.finish(job, "w2", JobStatus.DONE, null, null, now)).isTrue();
    }

    @Test
    void a_retry_and_a_reclaim_record_why_the_attempt_before_ended() {
        long job = fx.job(fx.thread(), "hello");
        jobs.claim("w1", now, LEASE, 1);
        assertThat(jobs.requeue(job, "w1", JobMode.CLASSIFY, null, now, true, "attempt 1 (classify) failed: boom")).isTrue();
        assertThat(lastError(job)).isEqualTo("attempt 1 (classify) failed: boom");

        jobs.claim("dead-worker", now, LEASE, 1);
        Job again = jobs.claim("w2", now.plus(LEASE).plusSeconds(1), LEASE, 1).getFirst();
        assertThat(again.attempts()).isEqualTo(3);
        assertThat(lastError(job)).contains("attempt 2").contains("dead-worker").contains("lease");

        assertThat(jobs.finish(job, "w2", JobStatus.DONE, null, null, now)).isTrue();
        assertThat(lastError(job)).as("kept once the job is done").contains("dead-worker");
    }

    private String lastError(long job) {
        return db.jdbi().withHandle(h -> h.createQuery("select last_error from reactive_jobs where id = :id").bind("id", job)
                .mapTo(String.class).one());
    }

    @Test
    void heartbeat_renews_held_leases_and_drops_canceled_jobs() {
        long t = fx.thread();
        long job = fx.job(t, "work");
        jobs.claim("w1", now, LEASE, 1);
        assertThat(jobs.renewLeases("w1", now.plus(Duration.ofMinutes(5)))).containsExactly(job);
        assertThat(jobs.claim("w2", now.plus(LEASE).plusSeconds(1), LEASE, 1)).as("renewed lease holds").isEmpty();

        assertThat(jobs.cancelThread(t, now, "test", -1)).containsExactly(job);
        assertThat(jobs.renewLeases("w1", now.plus(Duration.ofMinutes(10)))).isEmpty();
        assertThat(fx.status(job)).isEqualTo("canceled");
    }

    @Test
    void requeue_with_backoff_waits_until_due() {
        long t = fx.thread();
        long job = fx.job(t, "flaky");
        jobs.claim("w1", now, LEASE, 1);
        assertThat(jobs.requeue(job, "w1", JobMode.CLASSIFY, null, now.plusSeconds(4), true)).isTrue();
        assertThat(jobs.claim("w1", now.plusSeconds(3), LEASE, 1)).isEmpty();
        assertThat(ids(jobs.claim("w1", now.plusSeconds(4), LEASE, 1))).containsExactly(job);
    }

    @Test
    void concurrent_claimers_never_take_the_same_job() throws Exception {
        int threads = 40;
        int perThread = 5;
        for (int i = 0; i < threads; i++) {
            long t = fx.thread();
            for (int j = 0; j < perThread; j++) {
                fx.job(t, "m" + j);
            }
        }
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        List<Long> duplicates = Collections.synchronizedList(new ArrayList<>());
        int workers = 8;
        CountDownLatch done = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            String id = "w" + w;
            Thread.ofVirtual().start(() -> {
                try {
                    int idle = 0;
                    while (idle < 20) {
                        List<Job> got = jobs.claim(id, now, LEASE, 3);
                        idle = got.isEmpty() ? idle + 1 : 0;
                        for (Job j : got) {
                            if (!seen.add(j.id())) {
                                duplicates.add(j.id());
                            }
                            jobs.finish(j.id(), id, JobStatus.DONE, null, null, now);
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        assertThat(duplicates).isEmpty();
        assertThat(seen).hasSize(threads * perThread);
    }

    @Test
    void a_job_in_a_mode_this_build_does_not_know_is_claimed_beside_the_others_and_keeps_its_mode() {
        long a = fx.thread();
        long b = fx.thread();
        long planned = fx.job(a, "an old row");
        long other = fx.job(b, "a new message");
        // 'plan' is allowed by the schema (SPEC.md 3.1) and written by no code.
        db.jdbi().useHandle(h -> h.execute("update reactive_jobs set mode = 'plan' where id = ?", planned));

        List<Job> claimed = jobs.claim("w1", now, LEASE, 10);
        assertThat(ids(claimed)).containsExactly(planned, other);
        assertThat(claimed.get(0).mode()).as("unknown, not a failed claim").isNull();
        assertThat(claimed.get(1).mode()).isEqualTo(JobMode.CLASSIFY);

        assertThat(jobs.requeue(planned, "w1", null, null, now, true)).isTrue();
        String mode = db.jdbi().withHandle(h -> h.createQuery("select mode from reactive_jobs where id = :id")
                .bind("id", planned).mapTo(String.class).one());
        assertThat(mode).isEqualTo("plan");
    }
}
