package dev.serveragent.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * {@code schedules} and {@code schedule_firings}: the Master's reminders and scheduled tasks.
 *
 * <p>Firing is one transaction per batch ({@code agenda.ScheduleFiring} opens it with
 * {@link Transactions}): {@link #lockDue} locks due rows, skipping those another replica holds;
 * the caller stores each firing's effect (an outbox message, or {@link #queueJob}) and
 * {@link #fired}, and the commit releases the rows with their next due time. A replica that dies
 * mid-batch rolls back: nothing of it was fired, and the rows are due again. The claim is a
 * {@code SELECT … FOR UPDATE SKIP LOCKED} rather than the house's one-statement
 * {@code UPDATE … RETURNING}: a cron row's next due time is computed in Java (time zones, DST),
 * so the lock has to be held while it is. Thread-safe.
 */
public final class ScheduleRepository {
    /** One schedule. {@code fireAt} (one-shot) or {@code cron} (recurring) is set, never both. */
    public record Row(long id, long threadId, String kind, String text, Optional<Instant> fireAt, Optional<String> cron,
            String timeZone, Optional<Long> tokenCeiling, String status, Optional<Instant> nextFireAt, Instant createdAt,
            int firedCount, Optional<Instant> lastFiredAt) {}

    /** A schedule to store; {@code nextFireAt} is its first firing. */
    public record NewRow(long threadId, String kind, String text, Optional<Instant> fireAt, Optional<String> cron,
            String timeZone, Optional<Long> tokenCeiling, Instant nextFireAt) {}

    private static final String COLUMNS = """
            id, thread_id, kind, text, fire_at, cron, time_zone, token_ceiling, status, next_fire_at, created_at,
            fired_count, last_fired_at""";

    private static final RowMapper<Row> ROW = (rs, ctx) -> new Row(rs.getLong("id"), rs.getLong("thread_id"), rs.getString("kind"),
            rs.getString("text"), instant(rs.getObject("fire_at", OffsetDateTime.class)), Optional.ofNullable(rs.getString("cron")),
            rs.getString("time_zone"), Optional.ofNullable((Long) rs.getObject("token_ceiling", Long.class)), rs.getString("status"),
            instant(rs.getObject("next_fire_at", OffsetDateTime.class)), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            rs.getInt("fired_count"), instant(rs.getObject("last_fired_at", OffsetDateTime.class)));

    private final Jdbi jdbi;

    public ScheduleRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Row insert(NewRow r, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        insert into schedules (thread_id, kind, text, fire_at, cron, time_zone, token_ceiling, status,
                                               next_fire_at, created_at, updated_at)
                        values (:thread, :kind, :text, :fireAt, :cron, :zone, :ceiling, 'active', :next, :now, :now)
                        returning""" + " " + COLUMNS)
                .bind("thread", r.threadId()).bind("kind", r.kind()).bind("text", r.text())
                .bind("fireAt", r.fireAt().orElse(null)).bind("cron", r.cron().orElse(null)).bind("zone", r.timeZone())
                .bind("ceiling", r.tokenCeiling().orElse(null)).bind("next", r.nextFireAt()).bind("now", now)
                .map(ROW).one());
    }

    public Optional<Row> find(long id) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from schedules where id = :id")
                .bind("id", id).map(ROW).findOne());
    }

    /** The thread's open (active or paused) schedules, soonest first (schedules_thread_idx). */
    public List<Row> active(long threadId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + """
                         from schedules where thread_id = :thread and status in ('active', 'paused')
                        order by next_fire_at, id limit :limit""")
                .bind("thread", threadId).bind("limit", limit).map(ROW).list());
    }

    /** Every thread's open (active or paused) schedules, soonest first (schedules_open_idx): the agenda page. */
    public List<Row> open(int limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + """
                         from schedules where status in ('active', 'paused')
                        order by next_fire_at, id limit :limit""")
                .bind("limit", limit).map(ROW).list());
    }

    /** How many open (active or paused) schedules the thread has. */
    public int countActive(long threadId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select count(*) from schedules where thread_id = :thread and status in ('active', 'paused')")
                .bind("thread", threadId).mapTo(Integer.class).one());
    }

    /** Cancels an open (active or paused) schedule of the thread; empty when there is none such (already ended, another thread's). */
    public Optional<Row> cancel(long id, long threadId, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update schedules set status = 'canceled', next_fire_at = null, canceled_at = :now, paused_at = null,
                                             updated_at = :now
                        where id = :id and thread_id = :thread and status in ('active', 'paused')
                        returning""" + " " + COLUMNS)
                .bind("id", id).bind("thread", threadId).bind("now", now).map(ROW).findOne());
    }

    /**
     * Pauses an active schedule of the thread: it keeps its next due time but is no longer claimed
     * by {@link #lockDue}. Empty when there is no active one such. A row being fired is waited for,
     * and then seen as it was left (a one-shot that fired is done, not paused).
     */
    public Optional<Row> pause(long id, long threadId, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update schedules set status = 'paused', paused_at = :now, updated_at = :now
                        where id = :id and thread_id = :thread and status = 'active'
                        returning""" + " " + COLUMNS)
                .bind("id", id).bind("thread", threadId).bind("now", now).map(ROW).findOne());
    }

    /** Makes a paused schedule of the thread active again, due at {@code next}; empty when there is no paused one such. */
    public Optional<Row> resume(long id, long threadId, Instant next, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update schedules set status = 'active', next_fire_at = :next, paused_at = null, updated_at = :now
                        where id = :id and thread_id = :thread and status = 'paused'
                        returning""" + " " + COLUMNS)
                .bind("id", id).bind("thread", threadId).bind("next", next).bind("now", now).map(ROW).findOne());
    }

    /**
     * Locks up to {@code limit} schedules due at {@code now}, most overdue first. Must run in the
     * caller's transaction: the locks last until it ends, and the caller moves each row on with
     * {@link #fired} before it does.
     */
    public List<Row> lockDue(Instant now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + """
                         from schedules
                        where status = 'active' and next_fire_at <= :now   -- schedules_due_idx
                        order by next_fire_at
                        limit :limit
                        -- another replica is firing it: leave it to that one instead of waiting
                        for update skip locked""")
                .bind("now", now).bind("limit", limit).map(ROW).list());
    }

    /**
     * Records a firing of a row locked by {@link #lockDue} and moves the row on: to {@code next}, or
     * (empty) to {@code done}. False when the firing was already recorded (nothing changed then).
     */
    public boolean fired(long scheduleId, Instant dueAt, Instant firedAt, boolean late, int skipped, Optional<Long> messageId,
            Optional<Long> jobId, Optional<Instant> next) {
        return fired(scheduleId, dueAt, firedAt, late, skipped, new Effect(messageId, jobId, false, Optional.empty(), Optional.empty()),
                next);
    }

    /**
     * What a firing did: a reminder's message, a task's job; or a task held for the Master's OK
     * ({@code held}, with the OK's approval when there is one); or nothing, having failed with {@code error}.
     */
    public record Effect(Optional<Long> messageId, Optional<Long> jobId, boolean held, Optional<Long> approvalId,
            Optional<String> error) {
        public static Effect failed(String error) {
            return new Effect(Optional.empty(), Optional.empty(), false, Optional.empty(), Optional.of(error));
        }

        public static Effect held(Optional<Long> messageId, Optional<Long> approvalId) {
            return new Effect(messageId, Optional.empty(), true, approvalId, Optional.empty());
        }
    }

    /** {@link #fired(long, Instant, Instant, boolean, int, Optional, Optional, Optional)} with any {@link Effect}. */
    public boolean fired(long scheduleId, Instant dueAt, Instant firedAt, boolean late, int skipped, Effect effect,
            Optional<Instant> next) {
        // One statement, one round trip per firing: the firing row, then the schedule moved on
        // (fired_count counts only a firing actually recorded).
        return jdbi.withHandle(h -> h.createQuery("""
                        with firing as (
                            insert into schedule_firings (schedule_id, due_at, fired_at, late, skipped, message_id, job_id,
                                                          held, approval_id, error)
                            values (:id, :due, :at, :late, :skipped, :message, :job, :held, :approval, :error)
                            on conflict (schedule_id, due_at) do nothing
                            returning 1),
                        moved as (
                            update schedules
                               set next_fire_at = :next,
                                   status = case when cast(:next as timestamptz) is null then 'done' else status end,
                                   fired_count = fired_count + (select count(*) from firing), last_fired_at = :at, updated_at = :at
                             where id = :id)
                        select count(*) = 1 from firing""")
                .bind("id", scheduleId).bind("due", dueAt).bind("at", firedAt).bind("late", late).bind("skipped", skipped)
                .bind("message", effect.messageId().orElse(null)).bind("job", effect.jobId().orElse(null))
                .bind("held", effect.held()).bind("approval", effect.approvalId().orElse(null))
                .bind("error", effect.error().orElse(null)).bind("next", next.orElse(null))
                .mapTo(Boolean.class).one());
    }

    /**
     * Ends a locked row without a firing (its cron has no further time, or its thread is gone),
     * saying why in the log only.
     */
    public void finish(long scheduleId, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update schedules set status = 'done', next_fire_at = null, updated_at = :now where id = :id""")
                .bind("id", scheduleId).bind("now", now).execute());
    }

    /** The soonest due time of any active schedule (the firing loop sleeps until then, within its bound). */
    public Optional<Instant> nextDue() {
        return jdbi.withHandle(h -> h.createQuery("select min(next_fire_at) from schedules where status = 'active'")
                .map((rs, ctx) -> instant(rs.getObject(1, OffsetDateTime.class))).one());
    }

    /**
     * Queues a scheduled task's run as a reactive job of the thread ({@code execute} mode, no
     * trigger message; the payload carries the prompt, its origin and its token ceiling), and tells
     * the workers at commit. Like {@code IngestRepository.queueJob}, one statement.
     */
    public long queueJob(long threadId, String payloadJson, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        with job as (
                            insert into reactive_jobs (thread_id, trigger_message_id, status, mode, payload_json, created_at, run_after)
                            values (:thread, null, 'queued', 'execute', cast(:payload as jsonb), :now, :now)
                            returning id)
                        select id, pg_notify(:channel, cast(id as text)) from job""")
                .bind("thread", threadId).bind("payload", payloadJson).bind("now", now)
                .bind("channel", NotifyChannel.REACTIVE_JOBS.sqlName())
                .map((rs, ctx) -> rs.getLong("id")).one());
    }

    /** The firings of a schedule, oldest first (tests, the agenda page). */
    public List<Firing> firings(long scheduleId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select due_at, fired_at, late, skipped, message_id, job_id, held, approval_id, error from schedule_firings
                        where schedule_id = :id order by due_at""")
                .bind("id", scheduleId)
                .map((rs, ctx) -> new Firing(rs.getObject("due_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("fired_at", OffsetDateTime.class).toInstant(), rs.getBoolean("late"), rs.getInt("skipped"),
                        Optional.ofNullable((Long) rs.getObject("message_id", Long.class)),
                        Optional.ofNullable((Long) rs.getObject("job_id", Long.class)), rs.getBoolean("held"),
                        Optional.ofNullable((Long) rs.getObject("approval_id", Long.class)), Optional.ofNullable(rs.getString("error"))))
                .list());
    }

    public record Firing(Instant dueAt, Instant firedAt, boolean late, int skipped, Optional<Long> messageId, Optional<Long> jobId,
            boolean held, Optional<Long> approvalId, Optional<String> error) {}

    private static Optional<Instant> instant(OffsetDateTime t) {
        return Optional.ofNullable(t).map(OffsetDateTime::toInstant);
    }
}
