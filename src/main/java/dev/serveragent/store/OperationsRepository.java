package dev.serveragent.store;

import static dev.serveragent.store.DashboardRepository.ts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * The dashboard's read queries over the agent's work: jobs, approvals, Claude Code runs,
 * and deployments (the Masters are {@code masters.Masters}'s). Bounded and keyset-paginated like {@link DashboardRepository}.
 */
public final class OperationsRepository {
    public record Job(long id, long threadId, Long triggerMessageId, String status, String mode, Instant createdAt,
            Instant startedAt, Instant finishedAt, int attempts, String lastError) {}

    public record Approval(long id, long threadId, long jobId, String proposal, String status, Instant createdAt,
            Instant resolvedAt, Instant expiresAt, Long resolvedBy) {}

    /** A Claude Code run, from its ledger row; duration from its job or proactive cycle. */
    public record Run(long ledgerId, Instant at, String scope, Long jobId, Long cycleId, String purpose, long tokensInput,
            long tokensOutput, long tokensTotal, Double costUsd, Integer turns, String result, Instant startedAt, Instant finishedAt) {}

    public record Deployment(long id, String gitSha, String branch, String status, Instant startedAt, Instant finishedAt,
            String runtime, String rollbackReason, String report) {}

    /** A first reply to a job's trigger: when the trigger was stored and the reply sent. */
    public record Acknowledgement(String platform, Instant triggerStoredAt, Instant sentAt) {}

    private final Jdbi jdbi;

    public OperationsRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Jobs newest first, of one status when given ({@code reactive_jobs_status_id_idx}). */
    public List<Job> jobs(Optional<String> status, Optional<Long> before, int limit) {
        String where = status.isPresent() ? "where status = :status and id < :before" : "where id < :before";
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, thread_id, trigger_message_id, status, mode, created_at, started_at, finished_at, attempts, last_error
                        from reactive_jobs %s order by id desc limit :limit""".formatted(where))
                .bind("status", status.orElse(null)).bind("before", before.orElse(Long.MAX_VALUE)).bind("limit", limit)
                .map((rs, ctx) -> new Job(rs.getLong("id"), rs.getLong("thread_id"), (Long) rs.getObject("trigger_message_id"),
                        rs.getString("status"), rs.getString("mode"), ts(rs, "created_at"), ts(rs, "started_at"),
                        ts(rs, "finished_at"), rs.getInt("attempts"), rs.getString("last_error")))
                .list());
    }

    /** How many jobs are in each status: each status's count walks only its part of the status index. */
    public Map<String, Long> jobsByStatus(List<String> statuses) {
        Map<String, Long> out = new TreeMap<>();
        jdbi.useHandle(h -> {
            for (String s : statuses) {
                out.put(s, h.createQuery("select count(*) from reactive_jobs where status = :s").bind("s", s).mapTo(Long.class).one());
            }
        });
        return out;
    }

    public List<Approval> approvals(Optional<String> status, Optional<Long> before, int limit) {
        String where = status.isPresent() ? "where status = :status and id < :before" : "where id < :before";
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, thread_id, job_id, proposal_text, status, created_at, resolved_at, expires_at, resolved_by
                        from approvals %s order by id desc limit :limit""".formatted(where))
                .bind("status", status.orElse(null)).bind("before", before.orElse(Long.MAX_VALUE)).bind("limit", limit)
                .map((rs, ctx) -> new Approval(rs.getLong("id"), rs.getLong("thread_id"), rs.getLong("job_id"),
                        rs.getString("proposal_text"), rs.getString("status"), ts(rs, "created_at"), ts(rs, "resolved_at"),
                        ts(rs, "expires_at"), (Long) rs.getObject("resolved_by")))
                .list());
    }

    public List<Run> runs(Optional<Long> before, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select l.id, l.created_at, l.scope, l.job_id, c.id as cycle_id, l.meta_json->>'purpose' as purpose,
                               l.tokens_input, l.tokens_output, l.tokens_total,
                               (l.meta_json->>'cost_usd')::float8 as cost, (l.meta_json->>'turns')::int as turns,
                               coalesce(c.result_kind, l.meta_json->>'result', j.status) as result,
                               coalesce(c.started_at, j.started_at) as started_at, coalesce(c.finished_at, j.finished_at) as finished_at
                        from token_ledger l
                        left join reactive_jobs j on j.id = l.job_id
                        left join proactive_cycles c on c.ledger_id = l.id   -- proactive_cycles_ledger_idx
                        where l.provider = 'claude_code' and l.id < :before
                        order by l.id desc limit :limit""")
                .bind("before", before.orElse(Long.MAX_VALUE)).bind("limit", limit)
                .map((rs, ctx) -> new Run(rs.getLong("id"), ts(rs, "created_at"), rs.getString("scope"),
                        (Long) rs.getObject("job_id"), (Long) rs.getObject("cycle_id"), rs.getString("purpose"),
                        rs.getLong("tokens_input"), rs.getLong("tokens_output"), rs.getLong("tokens_total"),
                        (Double) rs.getObject("cost"), (Integer) rs.getObject("turns"), rs.getString("result"),
                        ts(rs, "started_at"), ts(rs, "finished_at")))
                .list());
    }

    public List<Deployment> deployments(Optional<Long> before, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, git_sha, branch, status, started_at, finished_at, runtime, rollback_reason, report_text
                        from deployments where id < :before order by id desc limit :limit""")
                .bind("before", before.orElse(Long.MAX_VALUE)).bind("limit", limit)
                .map((rs, ctx) -> new Deployment(rs.getLong("id"), rs.getString("git_sha"), rs.getString("branch"),
                        rs.getString("status"), ts(rs, "started_at"), ts(rs, "finished_at"), rs.getString("runtime"),
                        rs.getString("rollback_reason"), rs.getString("report_text")))
                .list());
    }

    /** Deployments per status (a small table: one row per deploy). */
    public Map<String, Long> deploymentsByStatus() {
        return jdbi.withHandle(h -> h.createQuery("select status, count(*) as n from deployments group by status")
                .reduceRows(new TreeMap<String, Long>(), (m, row) -> {
                    m.put(row.getColumn("status", String.class), row.getColumn("n", Long.class));
                    return m;
                }));
    }

    /**
     * When the user message an assistant message answers reached the database, if {@code
     * messageId} is the first assistant message after its thread's latest job trigger (the
     * acknowledgement, or the answer of a command).
     */
    public Optional<Acknowledgement> acknowledgement(long messageId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select t.platform, u.stored_at, a.sent_at
                        from chat_messages a
                        join chat_threads t on t.id = a.thread_id
                        join lateral (select j.trigger_message_id from reactive_jobs j
                                      where j.thread_id = a.thread_id and j.trigger_message_id < a.id  -- reactive_jobs_thread_idx
                                      order by j.id desc limit 1) j on true
                        join chat_messages u on u.id = j.trigger_message_id
                        where a.id = :id and a.role = 'assistant'
                          and not exists (select 1 from chat_messages b
                                          where b.thread_id = a.thread_id and b.created_at >= u.stored_at - interval '1 minute'
                                            and b.role = 'assistant' and b.id > u.id and b.id < a.id)""")
                .bind("id", messageId)
                .map((rs, ctx) -> new Acknowledgement(rs.getString("platform"), ts(rs, "stored_at"), ts(rs, "sent_at")))
                .findOne()
                .filter(a -> a.sentAt() != null));
    }
}
