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
 * Each firing is under its own savepoint: one that fails (a poison row) is undone alone, recorded
 * as a failed firing of its schedule (which moves on), and the others of the batch still fire.
 *
 * <p>A firing more than {@link #LATE_AFTER} past its due time (the agent was down) is marked late
 * and a reminder says so. A recurring schedule that missed several times fires once, for its
 * first missed time, counts the others as skipped, and moves to its next time after now. A
 * scheduled task later than the late limit ({@code SCHEDULE_TASK_LATE_MINUTES}) is not run: it
 * runs commands without an OK only because the Master chose its time, and hours later that choice
 * may no longer hold. The Master gets a message with OK to run it now (the approval path, see
 * {@link #askWith}), and the firing is recorded as held.
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
    private final Duration taskLateLimit;
    private volatile AskToRun askToRun;
    private final Semaphore wakeup = new Semaphore(0);
    private CountDownLatch stopping;
    private Thread loop;

    public ScheduleFiring(ScheduleRepository schedules, Outbox outbox, Transactions transactions, Clock clock) {
        this(schedules, outbox, transactions, clock, dev.serveragent.config.AgendaConfig.DEFAULT_TASK_LATE_LIMIT);
    }

    /** @param taskLateLimit a task firing later than this is put to the Master with OK instead of run */
    public ScheduleFiring(ScheduleRepository schedules, Outbox outbox, Transactions transactions, Clock clock, Duration taskLateLimit) {
        this.schedules = schedules;
        this.outbox = outbox;
        this.transactions = transactions;
        this.clock = clock;
        this.taskLateLimit = taskLateLimit;
    }

    /**
     * The approval path for a task too late to run alone: stores a parked job carrying
     * {@code payloadJson} with a pending approval in {@code threadId}, and sends {@code message}
     * there with an OK button that runs {@code plan}; returns the approval's id. Called inside the
     * firing's transaction (the writes join it).
     */
    @FunctionalInterface
    public interface AskToRun {
        long ask(long threadId, String payloadJson, String plan, String message);
    }

    /** Wires the approval path (the composition root, once the reactive side is built). Without it a late task's message has no OK button. */
    public void askWith(AskToRun ask) {
        askToRun = ask;
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
            int[] movedOn = new int[1];
            int locked = transactions.inOne(() -> {
                fired.clear(); // a retried transaction starts over
                return fireBatch(clock.instant(), fired, movedOn);
            });
            Instant committed = clock.instant();
            fired.forEach(f -> onFired.accept(new Fired(f.scheduleId(), f.dueAt(), committed)));
            total += locked;
            // A batch none of whose rows could even be recorded as failed would come back whole: stop until the next look.
            if (locked < BATCH || movedOn[0] == 0) {
                return total;
            }
        }
    }

    /** Look again now (a schedule was created on this replica). */
    public void wake() {
        wakeup.release();
    }

    private int fireBatch(Instant now, List<Fired> fired, int[] movedOn) {
        List<ScheduleRepository.Row> due = schedules.lockDue(now, BATCH);
        for (ScheduleRepository.Row row : due) {
            try {
                transactions.inSavepoint("firing", () -> {
                    fire(row, now);
                    return null;
                });
                fired.add(new Fired(row.id(), row.nextFireAt().orElseThrow(), now));
                movedOn[0]++;
            } catch (RuntimeException e) {
                if (Transactions.isTransient(e)) {
                    // Not this schedule's fault (a deadlock, a timeout, a lost connection): the whole batch
                    // rolls back and is tried again at the next look, rather than recorded as failed.
                    throw e;
                }
                if (failed(row, now, e)) {
                    movedOn[0]++;
                }
            }
        }
        return due.size();
    }

    /**
     * Records that {@code row}'s firing failed (nothing of it was kept) and moves the schedule on,
     * as if it had fired, so that it is not retried in a loop; false when even that failed (the row
     * stays due and is tried again at the next look).
     */
    private boolean failed(ScheduleRepository.Row row, Instant now, RuntimeException e) {
        Instant due = row.nextFireAt().orElseThrow();
        String error = e.toString();
        error = error.length() > 500 ? error.substring(0, 500) + "…" : error;
        log.warn("Schedule {} ({}) failed to fire for {}; recorded, and the others fire on: {}", row.id(), row.kind(), due, error);
        String recorded = error;
        try {
            return transactions.inSavepoint("firing_failed", () -> {
                Optional<Instant> next;
                try {
                    next = row.cron().map(CronRule::parse).flatMap(c -> c.next(now, ZoneId.of(row.timeZone())));
                } catch (DateTimeException | AgendaException unreadable) {
                    next = Optional.empty(); // ended: it could not be read either
                }
                schedules.fired(row.id(), due, now, isLate(due, now), 0, ScheduleRepository.Effect.failed(recorded), next);
                return true;
            });
        } catch (RuntimeException again) {
            log.warn("Schedule {}'s failure could not be recorded either (tried again at the next look): {}", row.id(), again.toString());
            return false;
        }
    }

    private static boolean isLate(Instant due, Instant now) {
        return Duration.between(due, now).compareTo(LATE_AFTER) > 0;
    }

    private void fire(ScheduleRepository.Row row, Instant now) {
        Instant due = row.nextFireAt().orElseThrow();
        boolean late = isLate(due, now);
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
        ScheduleRepository.Effect effect;
        if (row.kind().equals(Schedule.REMINDER)) {
            String text = reminderText(row, due, late, skipped, zone);
            List<Long> sent = cron.isPresent()
                    ? outbox.sendWithButton(row.threadId(), text, "Cancel", CANCEL_PREFIX + row.id())
                    : outbox.send(row.threadId(), text);
            effect = new ScheduleRepository.Effect(Optional.of(sent.getLast()), Optional.empty(), false, Optional.empty(), Optional.empty());
        } else if (Duration.between(due, now).compareTo(taskLateLimit) > 0) {
            effect = hold(row, due, now, skipped, zone);
        } else {
            effect = new ScheduleRepository.Effect(Optional.empty(),
                    Optional.of(schedules.queueJob(row.threadId(), taskPayload(row, due, late, skipped, zone, false), now)), false,
                    Optional.empty(), Optional.empty());
        }
        schedules.fired(row.id(), due, now, late, skipped, effect, next);
        if (effect.held()) {
            log.info("Schedule {} (task) came due {} late, for {}: not run, put to the Master with OK", row.id(),
                    Duration.between(due, now).withNanos(0), due);
        } else if (late) {
            log.info("Schedule {} ({}) fired late for {} ({} later time(s) skipped)", row.id(), row.kind(), due, skipped);
        } else {
            log.debug("Schedule {} ({}) fired for {}", row.id(), row.kind(), due);
        }
    }

    /** A task too late to run without an OK: the Master is asked, in the schedule's chat, and nothing runs until OK. */
    private ScheduleRepository.Effect hold(ScheduleRepository.Row row, Instant due, Instant now, int skipped, ZoneId zone) {
        String message = heldText(row, due, now, skipped, zone);
        AskToRun ask = askToRun;
        if (ask == null) {
            List<Long> sent = outbox.send(row.threadId(), message + " Ask me to run it if you still want it.");
            return ScheduleRepository.Effect.held(Optional.of(sent.getLast()), Optional.empty());
        }
        long approval = ask.ask(row.threadId(), taskPayload(row, due, true, skipped, zone, true), row.text(), message + " OK runs it now.");
        return ScheduleRepository.Effect.held(Optional.empty(), Optional.of(approval));
    }

    static String heldText(ScheduleRepository.Row row, Instant due, Instant now, int skipped, ZoneId zone) {
        String text = row.text().replace('\n', ' ');
        text = text.length() > 300 ? text.substring(0, 299) + "…" : text;
        return "⏰ Scheduled task #" + row.id() + " was due " + Schedule.shown(due, zone) + " and I was not running then"
                + (skipped > 0 ? " (" + skipped + (skipped >= MAX_SKIPPED ? "+" : "") + " later time(s) missed too)" : "")
                + ". It is " + late(Duration.between(due, now)) + " late, so I did not run it on my own: \"" + text + "\".";
    }

    private static String late(Duration d) {
        long minutes = d.toMinutes();
        return minutes < 120 ? minutes + " minutes" : minutes < 48 * 60 ? (minutes / 60) + " hours" : (minutes / (24 * 60)) + " days";
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

    private static String taskPayload(ScheduleRepository.Row row, Instant due, boolean late, int skipped, ZoneId zone,
            boolean held) {
        ObjectNode p = JSON.createObjectNode();
        p.put("origin", "schedule").put("schedule_id", row.id()).put("due_at", due.toString()).put("late", late)
                .put("skipped", skipped).put("token_ceiling", row.tokenCeiling().orElseThrow());
        if (held) {
            p.put("held", true);
        }
        String when = row.cron().map(c -> "cron '" + c + "' in " + zone.getId()).orElse("once");
        String summary = "Scheduled task #" + row.id() + " (" + when + "), due " + Schedule.shown(due, zone)
                + (held ? "; it came due too late to run on its own and the Master pressed OK to run it now"
                        : late ? "; it runs late: the agent was not running at that time" : "")
                + ". The Master set it up earlier; do what it says and report the result.";
        p.putObject("classification").put("intent", "command").put("summary", summary).put("plan", row.text())
                .put("needs_confirmation", held).put("confidence", 1.0);
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
