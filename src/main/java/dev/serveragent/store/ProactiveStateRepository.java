package dev.serveragent.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code proactive_state} and {@code proactive_cycles}: the pause switch, the next wake, and the
 * cycles with their token reservations. Thread-safe; safe with several replicas.
 */
public final class ProactiveStateRepository {
    /** {@code pg_advisory_xact_lock} key serialising proactive admissions across replicas ("proadmit"). */
    static final long ADMISSION_LOCK = 0x70726F61646D6974L;

    private final Jdbi jdbi;

    public ProactiveStateRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The shared switch and schedule. */
    public record State(boolean paused, Optional<Instant> nextWakeAt, Optional<String> wakeReason) {}

    /** A started cycle: its id and the ceiling reserved for it. */
    public record Admitted(long cycleId, long ceiling) {}

    public State state() {
        return jdbi.withHandle(h -> h.createQuery("select paused, next_wake_at, wake_reason from proactive_state where id = 1")
                .map((rs, ctx) -> new State(rs.getBoolean("paused"),
                        Optional.ofNullable(rs.getTimestamp("next_wake_at")).map(java.sql.Timestamp::toInstant),
                        Optional.ofNullable(rs.getString("wake_reason"))))
                .one());
    }

    public void setPaused(boolean paused, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update proactive_state
                        set paused = :paused, paused_at = case when :paused then cast(:at as timestamptz) end, updated_at = :at
                        where id = 1""")
                .bind("paused", paused).bind("at", at).execute());
    }

    public void setNextWake(Instant wakeAt, String reason, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("update proactive_state set next_wake_at = :wake, wake_reason = :reason, updated_at = :at where id = 1")
                .bind("wake", wakeAt).bind("reason", reason).bind("at", at).execute());
    }

    /**
     * Reads the budget picture and, if {@code decide} returns a ceiling, starts a cycle holding that
     * ceiling as its reservation, all under one transaction-scoped advisory lock: two replicas can
     * never both be promised the same remaining tokens.
     *
     * @param decide the governor's admission: a ceiling to run with, or empty to not run
     */
    public Optional<Admitted> admit(Instant now, Instant dayStart, int window, Instant leaseUntil, String leader,
            Function<BudgetSnapshot, OptionalLong> decide) {
        return jdbi.inTransaction(h -> {
            h.execute("select pg_advisory_xact_lock(?)", ADMISSION_LOCK);
            BudgetSnapshot snapshot = snapshot(h, now, dayStart, window);
            OptionalLong ceiling = decide.apply(snapshot);
            if (ceiling.isEmpty()) {
                return Optional.<Admitted>empty();
            }
            long id = h.createQuery("""
                            insert into proactive_cycles (leader, started_at, lease_until, token_ceiling)
                            values (:leader, :now, :lease, :ceiling) returning id""")
                    .bind("leader", leader).bind("now", now).bind("lease", leaseUntil).bind("ceiling", ceiling.getAsLong())
                    .mapTo(Long.class).one();
            return Optional.of(new Admitted(id, ceiling.getAsLong()));
        });
    }

    /** The budget picture at {@code now}, for pacing and status. */
    public BudgetSnapshot snapshot(Instant now, Instant dayStart, int window) {
        return jdbi.withHandle(h -> snapshot(h, now, dayStart, window));
    }

    private static BudgetSnapshot snapshot(Handle h, Instant now, Instant dayStart, int window) {
        // One statement, so one MVCC snapshot: a finishing cycle writes its ledger row before it
        // releases its reservation, so its tokens are seen at least once (never zero times).
        long[] spentReserved = h.createQuery("""
                        select
                          (select coalesce(sum(tokens_total), 0) from token_ledger
                            where scope = 'proactive' and created_at >= :dayStart and created_at <= :now) as spent,
                          (select coalesce(sum(token_ceiling), 0) from proactive_cycles
                            where status = 'running' and lease_until > :now) as reserved""")
                .bind("dayStart", dayStart).bind("now", now)
                .map((rs, ctx) -> new long[] {rs.getLong("spent"), rs.getLong("reserved")})
                .one();
        List<CycleSample> recent = h.createQuery("""
                        select started_at, finished_at, tokens_total from proactive_cycles
                        where finished_at is not null and finished_at <= :now and tokens_total > 0
                        order by finished_at desc, id desc
                        limit :window""")
                .bind("now", now).bind("window", window)
                .map((rs, ctx) -> new CycleSample(rs.getTimestamp("started_at").toInstant(),
                        rs.getTimestamp("finished_at").toInstant(), rs.getLong("tokens_total")))
                .list();
        return new BudgetSnapshot(now, spentReserved[0], spentReserved[1], recent);
    }

    /**
     * Ends a cycle and releases its reservation. Call it only after the cycle's ledger row is
     * committed (see {@link #snapshot}).
     */
    public void finish(long cycleId, Finished f) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update proactive_cycles
                        set status = :status, finished_at = :at, tokens_total = :tokens, result_kind = :kind,
                            outcome = :outcome, outcome_error = :error, summary = :summary, ledger_id = :ledger
                        where id = :id""")
                .bind("status", f.completed() ? "completed" : "failed")
                .bind("at", f.at()).bind("tokens", f.tokens()).bind("kind", f.resultKind())
                .bind("outcome", f.outcome()).bind("error", f.outcomeError().orElse(null))
                .bind("summary", f.summary().orElse(null))
                .bind("ledger", f.ledgerId().isPresent() ? f.ledgerId().getAsLong() : null)
                .bind("id", cycleId)
                .execute());
    }

    /** How a cycle ended; {@code outcome} is ok|malformed|none. */
    public record Finished(Instant at, boolean completed, String resultKind, long tokens, String outcome,
            Optional<String> outcomeError, Optional<String> summary, OptionalLong ledgerId) {}

    /** Marks running cycles whose lease has passed (their replica died) abandoned; returns how many. */
    public int abandonExpired(Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update proactive_cycles set status = 'abandoned', finished_at = :now
                        where status = 'running' and lease_until <= :now""")
                .bind("now", now).execute());
    }

    /** A cycle as stored, for status and tests. */
    public record Cycle(long id, String status, String leader, long ceiling, long tokens, Optional<String> resultKind,
            Optional<String> outcome, Optional<String> outcomeError) {}

    public List<Cycle> cycles() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, status, leader, token_ceiling, tokens_total, result_kind, outcome, outcome_error
                        from proactive_cycles order by id""")
                .map((rs, ctx) -> new Cycle(rs.getLong("id"), rs.getString("status"), rs.getString("leader"),
                        rs.getLong("token_ceiling"), rs.getLong("tokens_total"), Optional.ofNullable(rs.getString("result_kind")),
                        Optional.ofNullable(rs.getString("outcome")), Optional.ofNullable(rs.getString("outcome_error"))))
                .list());
    }

    /**
     * Stores {@code reportJson} on the running cycle (the newest: under the leader lock only one
     * runs) and returns its id; empty when no cycle is running. A later report replaces it.
     */
    public OptionalLong report(String reportJson) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update proactive_cycles set reported = cast(:r as jsonb)
                        where id = (select id from proactive_cycles where status = 'running' order by id desc limit 1)
                        returning id""")
                .bind("r", reportJson).mapTo(Long.class).findOne())
                .map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** What cycle {@code cycleId} reported through its tool, as stored JSON, if it did. */
    public Optional<String> reported(long cycleId) {
        return jdbi.withHandle(h -> h.createQuery("select cast(reported as text) from proactive_cycles where id = :id and reported is not null")
                .bind("id", cycleId).mapTo(String.class).findOne());
    }
}
