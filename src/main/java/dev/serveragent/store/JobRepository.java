package dev.serveragent.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * {@code reactive_jobs}: the reactive queue. Claims are leases: a claimed job carries the worker's
 * id and a {@code lease_until} that the worker's heartbeat renews; a job whose lease ran out
 * (its process died) can be claimed again by any replica. All times come from the caller's clock.
 */
public final class JobRepository {
    /**
     * A claimed or inspected job. {@code reclaimed} is true when the previous holder's lease ran out;
     * {@code mode} is null for a mode this build does not know (see {@link JobMode}).
     */
    public record Job(long id, long threadId, Long triggerMessageId, String status, JobMode mode,
            String payloadJson, int attempts, boolean reclaimed, Instant createdAt) {}

    private static final org.jdbi.v3.core.mapper.RowMapper<Job> JOB = (rs, ctx) -> new Job(rs.getLong("id"),
            rs.getLong("thread_id"), (Long) rs.getObject("trigger_message_id"), rs.getString("status"),
            JobMode.find(rs.getString("mode")).orElse(null), rs.getString("payload_json"), rs.getInt("attempts"),
            rs.getBoolean("reclaimed"), rs.getTimestamp("created_at").toInstant());

    private final Jdbi jdbi;

    public JobRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
        jdbi.registerRowMapper(ConstructorMapper.factory(Job.class));
    }

    /**
     * Claims up to {@code limit} runnable jobs in one statement. Runnable: queued and due, or
     * running under an expired lease. A job waits while an earlier job of its thread is unfinished,
     * so each thread's jobs run one at a time and in order; different threads run in parallel.
     */
    public List<Job> claim(String workerId, Instant now, Duration lease, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update reactive_jobs j
                        set status = 'running',
                            locked_by = :worker,
                            lease_until = :leaseUntil,
                            attempts = j.attempts + 1,
                            started_at = coalesce(j.started_at, :now),
                            -- a re-claim: say why the attempt before ended (the dashboard shows it beside the attempts)
                            last_error = case when picked.reclaimed
                                              then 'attempt ' || j.attempts || ' (' || j.mode || ') ended without a result: its worker '
                                                   || coalesce(j.locked_by, '?') || ' stopped renewing its lease'
                                              else j.last_error end
                        from (
                            select c.id, c.status = 'running' as reclaimed
                            from reactive_jobs c
                            where ((c.status = 'queued' and c.run_after <= :now)
                                   -- the holder died: its lease ran out without a heartbeat
                                   or (c.status = 'running' and c.lease_until < :now))
                              -- one job per thread at a time, oldest first, except that a
                              -- classification waits only for earlier classifications (a message is
                              -- acknowledged while a long answer or command of its thread runs), and
                              -- slash commands jump the line, so that /cancel can reach the job it cancels
                              and (not exists (
                                       select 1 from reactive_jobs e
                                       where e.thread_id = c.thread_id
                                         and e.id < c.id
                                         and e.status in ('queued', 'running')
                                         and (c.mode <> 'classify' or e.mode = 'classify'))
                                   or (c.mode = 'classify'
                                       and (select m.text from chat_messages m where m.id = c.trigger_message_id) like '/%'))
                            order by c.id
                            limit :limit
                            -- other replicas skip what this one is claiming instead of waiting
                            for update of c skip locked
                        ) picked
                        where j.id = picked.id
                        returning j.id, j.thread_id, j.trigger_message_id, j.status, j.mode,
                                  j.payload_json::text as payload_json, j.attempts, picked.reclaimed, j.created_at""")
                .bind("worker", workerId)
                .bind("now", now)
                .bind("leaseUntil", now.plus(lease))
                .bind("limit", limit)
                .map(JOB)
                .list());
    }

    /** Extends the leases of the jobs this worker holds; returns the ids still held (a canceled job drops out). */
    public List<Long> renewLeases(String workerId, Instant leaseUntil) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update reactive_jobs set lease_until = :leaseUntil
                        where locked_by = :worker and status = 'running'
                        returning id""")
                .bind("worker", workerId)
                .bind("leaseUntil", leaseUntil)
                .mapTo(Long.class)
                .list());
    }

    /** Ends a job this worker holds; false when it no longer holds it (canceled or re-claimed elsewhere). */
    public boolean finish(long jobId, String workerId, JobStatus status, String payloadJson, String error, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update reactive_jobs
                        set status = :status, finished_at = :now, lease_until = null, locked_by = null,
                            payload_json = coalesce(cast(:payload as jsonb), payload_json),
                            last_error = coalesce(:error, last_error)
                        where id = :id and locked_by = :worker and status = 'running'""")
                .bind("id", jobId)
                .bind("worker", workerId)
                .bind("status", status.sqlName())
                .bind("payload", payloadJson)
                .bind("error", error)
                .bind("now", now)
                .execute()) == 1;
    }

    /** Puts a held job back in the queue, e.g. to run its next mode or to retry after {@code runAfter}; a null {@code mode} keeps the job's. */
    public boolean requeue(long jobId, String workerId, JobMode mode, String payloadJson, Instant runAfter, boolean countAttempt) {
        return requeue(jobId, workerId, mode, payloadJson, runAfter, countAttempt, null);
    }

    /** Like {@link #requeue(long, String, JobMode, String, Instant, boolean)}; a retry's {@code error} becomes the job's last error. */
    public boolean requeue(long jobId, String workerId, JobMode mode, String payloadJson, Instant runAfter, boolean countAttempt,
            String error) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update reactive_jobs
                        set status = 'queued', mode = coalesce(cast(:mode as text), mode), run_after = :runAfter, lease_until = null, locked_by = null,
                            payload_json = coalesce(cast(:payload as jsonb), payload_json),
                            attempts = case when :count then attempts else attempts - 1 end,
                            last_error = coalesce(:error, last_error)
                        where id = :id and locked_by = :worker and status = 'running'""")
                .bind("error", error)
                .bind("id", jobId)
                .bind("worker", workerId)
                .bind("mode", mode == null ? null : mode.sqlName())
                .bind("payload", payloadJson)
                .bind("runAfter", runAfter)
                .bind("count", countAttempt)
                .execute()) == 1;
    }

    /**
     * True when a newer message of the same author has a job in the thread (a burst): the older one
     * is not acknowledged. Another member's message in a group never counts: it must not cancel
     * the Master's.
     */
    public boolean hasNewerJob(long jobId, long threadId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select exists (select 1 from reactive_jobs j
                                       join chat_messages m on m.id = j.trigger_message_id
                                       where j.thread_id = :thread and j.id > :id and j.status in ('queued', 'running')
                                         -- a slash command answered on the side does not supersede a message
                                         and coalesce(m.text, '') not like '/%'
                                         and m.author_user_id = (select t.author_user_id from reactive_jobs o
                                                                 join chat_messages t on t.id = o.trigger_message_id
                                                                 where o.id = :id))""")
                .bind("thread", threadId)
                .bind("id", jobId)
                .mapTo(Boolean.class)
                .one());
    }

    /**
     * Cancels the thread's unfinished jobs (queued, running, awaiting approval) except {@code exceptJobId},
     * supersedes its pending approvals, and returns the canceled ids. A worker running one of them
     * loses it at its next heartbeat and kills the run.
     */
    public List<Long> cancelThread(long threadId, Instant now, String reason, long exceptJobId) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("update approvals set status = 'superseded', resolved_at = :now where thread_id = :thread and status = 'pending'")
                    .bind("thread", threadId).bind("now", now).execute();
            return h.createQuery("""
                        update reactive_jobs
                        set status = 'canceled', finished_at = :now, lease_until = null, locked_by = null, last_error = :reason
                        where thread_id = :thread and id <> :except and status in ('queued', 'running', 'awaiting_approval')
                        returning id""")
                .bind("except", exceptJobId)
                .bind("thread", threadId)
                .bind("now", now)
                .bind("reason", reason)
                .mapTo(Long.class)
                .list();
        });
    }

    /** Counts by status, for /status, leaving out {@code exceptJobId} (the job asking). */
    public List<StatusCount> countsByStatus(long exceptJobId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select status, count(*) as count from reactive_jobs
                        where status in ('queued', 'running', 'awaiting_approval') and id <> :except
                        group by status order by status""")
                .bind("except", exceptJobId)
                .map((rs, ctx) -> new StatusCount(rs.getString("status"), rs.getLong("count")))
                .list());
    }

    public record StatusCount(String status, long count) {}

    /** The most recent jobs, for /status, leaving out {@code exceptJobId} (the job asking). */
    public List<Job> recent(int limit, long exceptJobId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, thread_id, trigger_message_id, status, mode, payload_json::text as payload_json,
                               attempts, false as reclaimed, created_at
                        from reactive_jobs where id <> :except order by id desc limit :limit""")
                .bind("limit", limit)
                .bind("except", exceptJobId)
                .map(JOB)
                .list());
    }
}
