import dev.serveragent.config.DatabaseUrl;
import dev.serveragent.store.Database;
import dev.serveragent.store.JobRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Queue throughput of the real JobRepository: C workers (virtual threads), each claiming one job
 * and completing it with a no-op handler, for a fixed time. Prints jobs/s.
 * Usage: java -cp target/server-agent.jar bench/queue/QueueBench.java JDBC_URL CLIENTS SECONDS
 */
public class QueueBench {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int clients = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        try (Database db = Database.open(DatabaseUrl.parse("url", url), clients + 2, Optional.empty())) {
            JobRepository jobs = new JobRepository(db.jdbi());
            run(jobs, clients, 3); // warm-up: JIT and pool, not counted
            long n = run(jobs, clients, seconds);
            System.out.printf("app clients=%d jobs=%d jobs_per_s=%.0f%n", clients, n, n / (double) seconds);
        }
    }

    static long run(JobRepository jobs, int clients, int seconds) throws InterruptedException {
        {
            AtomicLong done = new AtomicLong();
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                String worker = "bench-" + c;
                threads.add(Thread.ofVirtual().start(() -> {
                    while (System.nanoTime() < end) {
                        Instant now = Instant.now();
                        for (JobRepository.Job j : jobs.claim(worker, now, Duration.ofSeconds(30), 1)) {
                            if (jobs.finish(j.id(), worker, dev.serveragent.store.JobStatus.DONE, null, null, now)) {
                                done.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            return done.get();
        }
    }
}
