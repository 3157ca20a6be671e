package dev.serveragent.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * {@code approvals}: the Master's OK on a proposed plan. Every transition is one conditional
 * statement ({@code where status = 'pending'}), so a superseded, expired or already-resolved
 * approval can never be approved, whatever the timing of presses and new messages.
 */
public final class ApprovalRepository {
    public record Approval(long id, long threadId, long jobId, String proposalText, String status,
            Instant createdAt, Instant expiresAt, Long ackMessageId) {}

    /** An approval that just expired, with what is needed to tell the Master. */
    public record Expired(long id, long threadId, long jobId, String proposalText, Long ackMessageId) {}

    private final Jdbi jdbi;

    public ApprovalRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
        jdbi.registerRowMapper(ConstructorMapper.factory(Approval.class));
        jdbi.registerRowMapper(ConstructorMapper.factory(Expired.class));
    }

    /**
     * Creates a pending approval and parks its job (held by {@code workerId}) in
     * {@code awaiting_approval}, in one transaction: there is never a waiting job without an
     * approval that can expire, nor an approval whose job could still be running. Empty when the
     * worker no longer holds the job (canceled meanwhile).
     */
    public Optional<Long> createAndPark(long threadId, long jobId, String workerId, JobMode mode, String payloadJson,
            String proposal, Instant now, Instant expiresAt) {
        return jdbi.inTransaction(h -> {
            int parked = h.createUpdate("""
                            update reactive_jobs
                            set status = 'awaiting_approval', mode = :mode, lease_until = null, locked_by = null,
                                payload_json = cast(:payload as jsonb)
                            where id = :id and locked_by = :worker and status = 'running'""")
                    .bind("id", jobId)
                    .bind("worker", workerId)
                    .bind("mode", mode.sqlName())
                    .bind("payload", payloadJson)
                    .execute();
            if (parked == 0) {
                return Optional.<Long>empty();
            }
            return Optional.of(h.createQuery("""
                            insert into approvals (thread_id, job_id, proposal_text, status, created_at, expires_at)
                            values (:thread, :job, :proposal, 'pending', :now, :expires)
                            returning id""")
                    .bind("thread", threadId)
                    .bind("job", jobId)
                    .bind("proposal", proposal)
                    .bind("now", now)
                    .bind("expires", expiresAt)
                    .mapTo(Long.class)
                    .one());
        });
    }

    /**
     * A job that exists only to be approved (a proactive proposal): created already parked in
     * {@code awaiting_approval} with its pending approval, in one transaction. Returns the approval id.
     */
    public long createProposal(long threadId, JobMode mode, String payloadJson, String proposal, Instant now, Instant expiresAt) {
        return jdbi.inTransaction(h -> {
            long job = h.createQuery("""
                            insert into reactive_jobs (thread_id, status, mode, payload_json, created_at, run_after)
                            values (:thread, 'awaiting_approval', :mode, cast(:payload as jsonb), :now, :now)
                            returning id""")
                    .bind("thread", threadId)
                    .bind("mode", mode.sqlName())
                    .bind("payload", payloadJson)
                    .bind("now", now)
                    .mapTo(Long.class)
                    .one();
            return h.createQuery("""
                            insert into approvals (thread_id, job_id, proposal_text, status, created_at, expires_at)
                            values (:thread, :job, :proposal, 'pending', :now, :expires)
                            returning id""")
                    .bind("thread", threadId)
                    .bind("job", job)
                    .bind("proposal", proposal)
                    .bind("now", now)
                    .bind("expires", expiresAt)
                    .mapTo(Long.class)
                    .one();
        });
    }

    public void setAckMessage(long approvalId, long messageId) {
        jdbi.useHandle(h -> h.execute("update approvals set ack_message_id = ? where id = ?", messageId, approvalId));
    }

    public Optional<Approval> find(long id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, thread_id, job_id, proposal_text, status, created_at, expires_at, ack_message_id
                        from approvals where id = :id""")
                .bind("id", id)
                .mapTo(Approval.class)
                .findOne());
    }

    /**
     * Approves a pending, unexpired approval and queues its job, in one transaction. Returns the
     * job id, or empty when the approval was not pending (superseded, expired, already resolved)
     * or its job is no longer waiting.
     */
    public Optional<Long> approve(long id, long byUserId, Instant now) {
        return jdbi.inTransaction(h -> {
            Optional<Long> job = h.createQuery("""
                            update approvals set status = 'approved', resolved_at = :now, resolved_by = :by
                            where id = :id and status = 'pending' and (expires_at is null or expires_at > :now)
                            returning job_id""")
                    .bind("id", id)
                    .bind("by", byUserId)
                    .bind("now", now)
                    .mapTo(Long.class)
                    .findOne();
            if (job.isEmpty()) {
                return job;
            }
            int queued = h.createUpdate("""
                            update reactive_jobs set status = 'queued', run_after = :now
                            where id = :job and status = 'awaiting_approval'""")
                    .bind("job", job.get())
                    .bind("now", now)
                    .execute();
            if (queued == 0) {
                h.rollback();
                return Optional.<Long>empty();
            }
            h.execute("select pg_notify(?, ?)", NotifyChannel.REACTIVE_JOBS.sqlName(), job.get().toString());
            return job;
        });
    }

    /**
     * Marks superseded the thread's pending approvals of requests by the author of {@code jobId}'s
     * message (a burst of that author): another member's or another Master's stay pending.
     */
    public int supersedePending(long threadId, long jobId, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update approvals a set status = 'superseded', resolved_at = :now
                        from reactive_jobs j, chat_messages t
                        where a.thread_id = :thread and a.status = 'pending'
                          and j.id = a.job_id and t.id = j.trigger_message_id
                          and t.author_user_id = (select m.author_user_id from reactive_jobs o
                                                  join chat_messages m on m.id = o.trigger_message_id
                                                  where o.id = :job)""")
                .bind("thread", threadId)
                .bind("job", jobId)
                .bind("now", now)
                .execute());
    }

    /** Expires every pending approval past its deadline and fails its waiting job, in one transaction. */
    public List<Expired> expireDue(Instant now) {
        return jdbi.inTransaction(h -> {
            List<Expired> expired = h.createQuery("""
                            update approvals set status = 'expired', resolved_at = :now
                            where status = 'pending' and expires_at <= :now
                            returning id, thread_id, job_id, proposal_text, ack_message_id""")
                    .bind("now", now)
                    .mapTo(Expired.class)
                    .list();
            for (Expired e : expired) {
                h.createUpdate("""
                                update reactive_jobs set status = 'failed', finished_at = :now, last_error = 'approval expired'
                                where id = :job and status = 'awaiting_approval'""")
                        .bind("job", e.jobId())
                        .bind("now", now)
                        .execute();
            }
            return expired;
        });
    }

    /** The plan of the thread's most recently approved approval, for the task pack. */
    public Optional<String> lastApprovedPlan(long threadId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select proposal_text from approvals
                        where thread_id = :thread and status = 'approved'
                        order by resolved_at desc, id desc limit 1""")
                .bind("thread", threadId)
                .mapTo(String.class)
                .findOne());
    }
}
