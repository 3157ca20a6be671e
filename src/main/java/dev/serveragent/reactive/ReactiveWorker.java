package dev.serveragent.reactive;

import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.runtime.Loop;
import dev.serveragent.config.ReactiveConfig;
import dev.serveragent.store.JobRepository;
import dev.serveragent.store.JobStatus;
import dev.serveragent.store.JobRepository.Job;
import dev.serveragent.store.PgListener;
import dev.serveragent.channel.Outbox;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims reactive jobs and runs them, up to {@link ReactiveConfig#workers()} at once, each on a
 * virtual thread, from one {@link Loop}. Woken by {@code NOTIFY reactive_jobs}, with a slow poll as a fallback. A
 * heartbeat renews the leases of the jobs it holds; a job it no longer holds (canceled
 * elsewhere) has its run killed. A step that throws is retried with backoff up to
 * {@link #MAX_ATTEMPTS} claims, then failed and the Master told.
 */
public final class ReactiveWorker implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(ReactiveWorker.class);
    static final int MAX_ATTEMPTS = 3;
    static final Duration POLL = Duration.ofSeconds(2);
    static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final JobRepository jobs;
    private final JobHandler handler;
    private final ExecuteStep execute;
    private final Outbox outbox;
    private final ReactiveConfig config;
    private final Clock clock;
    private final PgListener listener;
    private final String workerId;
    private final Semaphore slots;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Loop dispatcher;
    private final Loop heartbeat;

    ReactiveWorker(JobRepository jobs, JobHandler handler, ExecuteStep execute, Outbox outbox, DataSource dataSource,
            ReactiveConfig config, Clock clock) {
        this.jobs = jobs;
        this.handler = handler;
        this.execute = execute;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
        this.slots = new Semaphore(config.workers());
        this.workerId = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.listener = new PgListener(dataSource, List.of(dev.serveragent.store.NotifyChannel.REACTIVE_JOBS.sqlName()), payload -> wake());
        this.dispatcher = Loop.named("reactive-dispatch", this::dispatchOnce).onError(POLL, POLL)
                .describedAs("Claiming reactive jobs").build();
        Duration every = config.lease().dividedBy(3);
        this.heartbeat = Loop.named("reactive-heartbeat", this::heartbeatOnce).onError(every, every)
                .describedAs("Renewing reactive job leases").build();
    }

    @Override
    public synchronized void start() {
        if (dispatcher.running()) {
            return;
        }
        listener.start();
        dispatcher.start();
        heartbeat.start();
        log.info("Reactive worker {} started ({} slots)", workerId, config.workers());
    }

    @Override
    public synchronized void stop() {
        if (!dispatcher.running()) {
            return;
        }
        dispatcher.stop(); // claims nothing more
        listener.stop();
        try {
            // Let running steps end; what does not is re-claimed after its lease by the next start.
            if (slots.tryAcquire(config.workers(), STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                slots.release(config.workers());
            } else {
                log.warn("Reactive jobs still running at stop: {}", inFlight);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        heartbeat.stop();
    }

    /** Look for work now (a job was queued or approved). */
    public void wake() {
        dispatcher.wake();
    }

    /**
     * Tests: wakes the worker and returns once it has claimed every job due at the clock and none
     * of its jobs is still running (false if not within {@code timeout}, or the worker is stopped).
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return dispatcher.awaitIdle(timeout);
    }

    /** One pass: claims as many due jobs as there are free slots and starts each on its own thread. */
    private Loop.Next dispatchOnce() throws InterruptedException {
        int free = slots.availablePermits();
        List<Job> claimed = free == 0 ? List.of() : jobs.claim(workerId, clock.instant(), config.lease(), free);
        for (Job job : claimed) {
            slots.acquire();
            inFlight.add(job.id());
            Thread.ofVirtual().name("reactive-job-" + job.id()).start(() -> {
                try {
                    process(job);
                } finally {
                    inFlight.remove(job.id());
                    slots.release();
                    wake();
                }
            });
        }
        if (!claimed.isEmpty() && claimed.size() < free) {
            return Loop.Next.again(); // slots left: there may be more due
        }
        if (!claimed.isEmpty()) {
            return Loop.Next.worked(POLL); // every slot busy: a job that ends wakes the loop
        }
        return inFlight.isEmpty() ? Loop.Next.idle(POLL) : Loop.Next.inFlight(POLL);
    }

    /** Renews the leases of the jobs in flight; a job no longer held (canceled elsewhere) has its run killed. */
    private Loop.Next heartbeatOnce() {
        Duration every = config.lease().dividedBy(3);
        if (inFlight.isEmpty()) {
            return Loop.Next.idle(every);
        }
        List<Long> held = jobs.renewLeases(workerId, clock.instant().plus(config.lease()));
        for (Long id : inFlight) {
            if (!held.contains(id)) {
                execute.cancel(id); // canceled (or taken over) elsewhere: stop working on it
            }
        }
        return Loop.Next.idle(every);
    }

    private void process(Job job) {
        Outcome outcome;
        try {
            outcome = handler.handle(job, workerId);
        } catch (InterruptedException e) {
            return; // stopping: the lease runs out and another start re-claims the job
        } catch (RuntimeException e) {
            log.warn("Reactive job {} ({}) failed on attempt {}: {}", job.id(), job.mode(), job.attempts(), e.toString());
            outcome = job.attempts() < MAX_ATTEMPTS
                    ? new Outcome.Requeue(job.mode(), null, clock.instant().plusSeconds(1L << job.attempts()), true,
                            "attempt " + job.attempts() + " (" + job.mode() + ") failed: " + e)
                    : tellAndFail(job, e);
        }
        try {
            apply(job, outcome);
        } catch (RuntimeException e) {
            // The database went away between the work and its record: the job keeps its lease,
            // which runs out, and a worker claims it again (an uncaught exception would only
            // reach the virtual thread's stderr).
            log.warn("Reactive job {} ({}): its outcome {} could not be stored; it runs again once its lease ends: {}",
                    job.id(), job.mode(), outcome.getClass().getSimpleName(), e.toString());
        }
    }

    private Outcome tellAndFail(Job job, RuntimeException e) {
        try {
            outbox.send(job.threadId(), "Sorry, I could not process your message after " + MAX_ATTEMPTS + " attempts: "
                    + e.getMessage());
        } catch (RuntimeException again) {
            log.warn("Could not tell the Master about job {}: {}", job.id(), again.toString());
        }
        return new Outcome.Failed(e.toString());
    }

    private void apply(Job job, Outcome outcome) {
        var now = clock.instant();
        boolean held = switch (outcome) {
            case Outcome.Done d -> jobs.finish(job.id(), workerId, JobStatus.DONE, d.payloadJson(), null, now);
            case Outcome.Failed f -> jobs.finish(job.id(), workerId, JobStatus.FAILED, null, f.error(), now);
            case Outcome.Canceled c -> jobs.finish(job.id(), workerId, JobStatus.CANCELED, null, c.reason(), now);
            case Outcome.Requeue r -> jobs.requeue(job.id(), workerId, r.mode(), r.payloadJson(), r.runAfter(), r.countAttempt(), r.error());
            case Outcome.Parked p -> true;
        };
        if (!held) {
            log.info("Reactive job {} was canceled or taken over while it ran; its outcome {} is dropped", job.id(),
                    outcome.getClass().getSimpleName());
        }
    }
}
