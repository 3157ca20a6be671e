package dev.serveragent.agenda;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.channel.Outbox;
import dev.serveragent.store.ScheduleRepository;
import dev.serveragent.store.Transactions;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires due schedules: a reminder's text goes to its thread through the outbox (no model); a
 * task becomes a reactive job of its thread ({@code execute} mode, the schedule's prompt and token
 * ceiling in its payload), which a reactive worker runs with Claude Code and answers like any
 * request.
 *
 * <p>Each batch is one transaction: the due rows are locked (rows another replica is firing are
 * skipped), each firing's effect, its {@code schedule_firings} row and the schedule's next due
 * time are written, and the commit makes all of it visible at once. So a firing happens once
 * across replicas, and a replica killed mid-batch leaves nothing fired: the rows are due again.
 *
 * <p>A firing more than {@link #LATE_AFTER} past its due time (the agent was down) is marked late
 * and a reminder says so. A recurring schedule that missed several times fires once, for its
 * first missed time, counts the others as skipped, and moves to its next time after now.
 *
 * <p>{@link #runOnce()} is the whole step (tests move the clock and call it); the loop started by
 * {@link #start()} calls it and then waits until the soonest due time, never longer than
 * {@link #MAX_WAIT}, so that a schedule created on another replica fires within that bound.
 */
public final class ScheduleFiring implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(ScheduleFiring.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Rows locked per transaction. */
    static final int BATCH = 100;
    /** Longest wait between two looks at the table (bounds the delay of a schedule made elsewhere). */
    static final Duration MAX_WAIT = Duration.ofMillis(250);
    /** Shortest wait, so that rows held by another replica are not polled in a spin. */
    static final Duration MIN_WAIT = Duration.ofMillis(10);
    static final Duration AFTER_ERROR = Duration.ofSeconds(1);
    /** A firing this much past due is late: the agent was not running (or not reachable) at the time. */
    public static final Duration LATE_AFTER = Duration.ofMinutes(1);
    /** Missed firings counted at most (a cron every 5 minutes down for a year would otherwise be counted for long). */
    static final int MAX_SKIPPED = 10_000;
    /** The callback data prefix of a "Cancel" button on a recurring reminder: {@code sc:<id>}. */
    public static final String CANCEL_PREFIX = "sc:";

    private final ScheduleRepository schedules;
    private final Outbox outbox;
    private final Transactions transactions;
    private final Clock clock;
    private final Semaphore wakeup = new Semaphore(0);
    private CountDownLatch stopping;
    private Thread loop;

    public ScheduleFiring(ScheduleRepository schedules, Outbox outbox, Transactions transactions, Clock clock) {
        this.schedules = schedules;
        this.outbox = outbox;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** A firing, told once its transaction has committed: the schedule, its due time, and when the commit was seen. */
    public record Fired(long scheduleId, Instant dueAt, Instant committedAt) {}

    /** Called on the firing thread after each committed batch, with each of its firings (benchmarks, tests). */
    public void onFired(java.util.function.Consumer<Fired> listener) {
        onFired = listener;
    }

    private volatile java.util.function.Consumer<Fired> onFired = f -> {};

    /** Fires everything due now, batch by batch; returns how many schedules fired. */
    public int runOnce() {
        int total = 0;
        while (true) {
            List<Fired> fired = new java.util.ArrayList<>();
            int locked = transactions.inOne(() -> {
                fired.clear(); // a retried transaction starts over
                return fireBatch(clock.instant(), fired);
            });
            Instant committed = clock.instant();
            fired.forEach(f -> onFired.accept(new Fired(f.scheduleId(), f.dueAt(), committed)));
            total += locked;
            if (locked < BATCH) {
                return total;
            }
        }
    }

    /** Look again now (a schedule was created on this replica). */
    public void wake() {
        wakeup.release();
    }

    private int fireBatch(Instant now, List<Fired> fired) {
        List<ScheduleRepository.Row> due = schedules.lockDue(now, BATCH);
        for (ScheduleRepository.Row row : due) {
            fire(row, now);
            fired.add(new Fired(row.id(), row.nextFireAt().orElseThrow(), now));
        }
        return due.size();
    }

    private void fire(ScheduleRepository.Row row, Instant now) {
        Instant due = row.nextFireAt().orElseThrow();
        boolean late = Duration.between(due, now).compareTo(LATE_AFTER) > 0;
        ZoneId zone;
        Optional<CronRule> cron;
        try {
            zone = ZoneId.of(row.timeZone());
            cron = row.cron().map(CronRule::parse);
        } catch (DateTimeException | AgendaException e) {
            // Stored valid, unreadable now (a zone dropped from tzdata): end it rather than retry it forever.
            log.warn("Schedule {} cannot be read any more and is ended: {}", row.id(), e.getMessage());
            schedules.finish(row.id(), now);
            return;
        }
        int skipped = 0;
        Optional<Instant> next = Optional.empty();
        if (cron.isPresent()) {
            Optional<Instant> t = cron.get().next(due, zone);
            while (t.isPresent() && !t.get().isAfter(now) && skipped < MAX_SKIPPED) {
                skipped++;
                t = cron.get().next(t.get(), zone);
            }
            next = t.isPresent() && !t.get().isAfter(now) ? cron.get().next(now, zone) : t;
        }
        Optional<Long> messageId = Optional.empty();
        Optional<Long> jobId = Optional.empty();
        if (row.kind().equals(Schedule.REMINDER)) {
            String text = reminderText(row, due, late, skipped, zone);
            List<Long> sent = cron.isPresent()
                    ? outbox.sendWithButton(row.threadId(), text, "Cancel", CANCEL_PREFIX + row.id())
                    : outbox.send(row.threadId(), text);
            messageId = Optional.of(sent.getLast());
        } else {
            jobId = Optional.of(schedules.queueJob(row.threadId(), taskPayload(row, due, late, skipped, zone), now));
        }
        schedules.fired(row.id(), due, now, late, skipped, messageId, jobId, next);
        if (late) {
            log.info("Schedule {} ({}) fired late for {} ({} later time(s) skipped)", row.id(), row.kind(), due, skipped);
        } else {
            log.debug("Schedule {} ({}) fired for {}", row.id(), row.kind(), due);
        }
    }

    static String reminderText(ScheduleRepository.Row row, Instant due, boolean late, int skipped, ZoneId zone) {
        StringBuilder b = new StringBuilder("⏰ Reminder");
        if (late) {
            b.append(" (late: it was due ").append(Schedule.shown(due, zone)).append(" and I was not running then");
            if (skipped > 0) {
                b.append("; ").append(skipped).append(skipped >= MAX_SKIPPED ? "+" : "").append(" later time(s) missed too");
            }
            b.append(')');
        }
        return b.append(": ").append(row.text()).toString();
    }

    private static String taskPayload(ScheduleRepository.Row row, Instant due, boolean late, int skipped, ZoneId zone) {
        ObjectNode p = JSON.createObjectNode();
        p.put("origin", "schedule").put("schedule_id", row.id()).put("due_at", due.toString()).put("late", late)
                .put("skipped", skipped).put("token_ceiling", row.tokenCeiling().orElseThrow());
        String when = row.cron().map(c -> "cron '" + c + "' in " + zone.getId()).orElse("once");
        String summary = "Scheduled task #" + row.id() + " (" + when + "), due " + Schedule.shown(due, zone)
                + (late ? "; it runs late: the agent was not running at that time" : "")
                + ". The Master set it up earlier; do what it says and report the result.";
        p.putObject("classification").put("intent", "command").put("summary", summary).put("plan", row.text())
                .put("needs_confirmation", false).put("confidence", 1.0);
        return p.toString();
    }

    @Override
    public synchronized void start() {
        if (loop != null) {
            return;
        }
        CountDownLatch stop = new CountDownLatch(1);
        stopping = stop;
        loop = Thread.ofVirtual().name("schedule-firing").start(() -> run(stop));
        log.info("Schedule firing started");
    }

    private void run(CountDownLatch stop) {
        while (stop.getCount() > 0) {
            Duration wait;
            try {
                runOnce();
                Instant now = clock.instant();
                wait = schedules.nextDue().map(t -> Duration.between(now, t)).orElse(MAX_WAIT);
                wait = wait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
            } catch (RuntimeException e) {
                // The database may be away: nothing was fired (the batch rolled back); try again shortly.
                log.warn("Firing schedules failed (retried in {} s): {}", AFTER_ERROR.toSeconds(), e.toString());
                wait = AFTER_ERROR;
            }
            try {
                wakeup.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
                wakeup.drainPermits();
            } catch (InterruptedException e) {
                return; // stopping
            }
        }
    }

    @Override
    public void stop() {
        Thread t;
        synchronized (this) {
            if (loop == null) {
                return;
            }
            stopping.countDown();
            wakeup.release();
            t = loop;
            loop = null;
        }
        Lifecycle.awaitEnd(t);
    }
}
