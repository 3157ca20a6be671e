package dev.serveragent.store;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/**
 * {@code deployments}: one row per deploy attempt, moving {@code [queued →] building → testing →
 * deploying → healthy | rolled_back | failed}. Also the deploy pipeline's other SQL: its advisory
 * locks and the schema fingerprint and reset used to restore a backup. Thread-safe.
 */
public final class DeploymentRepository {
    /** Advisory lock key held by the one running deploy (any constant; "deploy" in ASCII). */
    static final long LOCK_KEY = 0x6465706c6f79L;
    /** First key of the two-key advisory lock a queued deploy holds on its row id ("de" in ASCII). */
    static final int QUEUE_KEY = 0x6465;
    private static final String UNFINISHED = "('queued', 'building', 'testing', 'deploying')";

    public enum Status {
        QUEUED, BUILDING, TESTING, DEPLOYING, HEALTHY, ROLLED_BACK, FAILED;

        public String db() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean terminal() {
            return this == HEALTHY || this == ROLLED_BACK || this == FAILED;
        }
    }

    public record Deployment(long id, String gitSha, String branch, String status, Instant startedAt,
            Instant finishedAt, String reportText, String runtime, String rollbackReason) {}

    /** The held advisory lock; closing it releases the lock and its connection. */
    public interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    private static final String COLUMNS =
            "id, git_sha, branch, status, started_at, finished_at, report_text, runtime, rollback_reason";

    private static final RowMapper<Deployment> ROW = ConstructorMapper.of(Deployment.class);

    private final Jdbi jdbi;

    public DeploymentRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Whether the schema has the {@code deployments} table (false on a database never migrated). */
    public boolean tableExists() {
        return jdbi.withHandle(h -> h.createQuery("select to_regclass('deployments') is not null").mapTo(Boolean.class).one());
    }

    /**
     * A new attempt waiting for the deploy lock ({@code queued}); returns its id. Hold
     * {@link #holdQueued} while waiting, so that settling leaves a live waiter's row alone.
     */
    public long queue(String sha, String branch, String runtime, Instant at) {
        return jdbi.withHandle(h -> h.createQuery("""
                        insert into deployments (git_sha, branch, status, started_at, runtime)
                        values (:sha, :branch, 'queued', :at, :runtime)
                        returning id""")
                .bind("sha", sha).bind("branch", branch).bind("at", at).bind("runtime", runtime)
                .mapTo(Long.class).one());
    }

    /** The lock that marks queued row {@code id} as having a live waiter; held until closed. */
    public Lock holdQueued(long id) {
        Handle h = jdbi.open();
        try {
            h.createQuery("select pg_advisory_lock(:key, :id)::text").bind("key", QUEUE_KEY).bind("id", (int) id)
                    .mapTo(String.class).one();
            return () -> {
                try {
                    h.createQuery("select pg_advisory_unlock(:key, :id)").bind("key", QUEUE_KEY).bind("id", (int) id)
                            .mapTo(Boolean.class).one();
                } finally {
                    h.close();
                }
            };
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /** A new attempt in status {@code building}; returns its id. */
    public long begin(String sha, String branch, String runtime, Instant at) {
        return jdbi.withHandle(h -> h.createQuery("""
                        insert into deployments (git_sha, branch, status, started_at, runtime)
                        values (:sha, :branch, 'building', :at, :runtime)
                        returning id""")
                .bind("sha", sha).bind("branch", branch).bind("at", at).bind("runtime", runtime)
                .mapTo(Long.class).one());
    }

    /** Moves an unfinished attempt to a next, non-terminal status. */
    public void advance(long id, Status status) {
        if (status.terminal()) {
            throw new IllegalArgumentException("use finish() for " + status);
        }
        update(id, h -> h.createUpdate("""
                        update deployments set status = :status
                        where id = :id and status in """ + UNFINISHED)
                .bind("status", status.db()).bind("id", id).execute());
    }

    /** Ends an unfinished attempt with its report and, for rollbacks and failures, the reason. */
    public void finish(long id, Status status, Optional<String> rollbackReason, String report, Instant at) {
        if (!status.terminal()) {
            throw new IllegalArgumentException(status + " is not a final status");
        }
        update(id, h -> h.createUpdate("""
                        update deployments
                        set status = :status, finished_at = :at, report_text = :report, rollback_reason = :reason
                        where id = :id and status in """ + UNFINISHED)
                .bind("status", status.db()).bind("at", at).bind("report", report)
                .bind("reason", rollbackReason.orElse(null)).bind("id", id).execute());
    }

    private void update(long id, java.util.function.ToIntFunction<Handle> statement) {
        int n = jdbi.withHandle(statement::applyAsInt);
        if (n != 1) {
            throw new IllegalStateException("deployment " + id + " is not unfinished (already settled?)");
        }
    }

    public Optional<Deployment> find(long id) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from deployments where id = :id")
                .bind("id", id).map(ROW).findOne());
    }

    /** The most recent {@code healthy} attempt of {@code runtime}: the version to return to. */
    public Optional<Deployment> lastHealthy(String runtime) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + """
                         from deployments where status = 'healthy' and runtime = :runtime
                        order by finished_at desc, id desc limit 1""")
                .bind("runtime", runtime).map(ROW).findOne());
    }

    /** The SHAs of the last {@code n} distinct healthy versions of {@code runtime}, newest first. */
    public List<String> recentHealthyShas(String runtime, int n) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select git_sha from deployments
                        where status = 'healthy' and runtime = :runtime
                        group by git_sha
                        order by max(finished_at) desc
                        limit :n""")
                .bind("runtime", runtime).bind("n", n).mapTo(String.class).list());
    }

    /**
     * Marks every attempt left in building/testing/deploying, and every queued one whose waiter is
     * gone (its {@link #holdQueued} lock free), as {@code failed} with {@code reason}. Returns the
     * settled rows with the status they were left in. Call only while holding {@link #tryLock()}:
     * otherwise a live deploy would be settled.
     */
    public List<Deployment> settleUnfinished(String reason, Instant at) {
        return jdbi.withHandle(h -> h.createQuery("""
                        with stale as (
                            select id, status as was from deployments
                            where status in ('building', 'testing', 'deploying')
                               -- a waiter holds its row's lock for as long as it lives
                               or (status = 'queued' and pg_try_advisory_xact_lock(:queueKey, id::int))
                            for update)
                        update deployments d
                        set status = 'failed', finished_at = :at, rollback_reason = :reason,
                            report_text = coalesce(d.report_text || E'\\n', '') || :reason
                        from stale where d.id = stale.id
                        returning d.id, d.git_sha, d.branch, stale.was as status, d.started_at, d.finished_at,
                                  d.report_text, d.runtime, d.rollback_reason""")
                .bind("at", at).bind("reason", reason).bind("queueKey", QUEUE_KEY).map(ROW).list());
    }

    /**
     * The deploy lock: a session-level advisory lock on a connection of its own, held until
     * closed. Postgres releases it when that session ends, so a killed deploy never leaves it held.
     */
    public Optional<Lock> tryLock() {
        Handle h = jdbi.open();
        try {
            boolean got = h.createQuery("select pg_try_advisory_lock(:key)").bind("key", LOCK_KEY)
                    .mapTo(Boolean.class).one();
            if (!got) {
                h.close();
                return Optional.empty();
            }
            return Optional.of(() -> {
                try {
                    h.createQuery("select pg_advisory_unlock(:key)").bind("key", LOCK_KEY).mapTo(Boolean.class).one();
                } finally {
                    h.close();
                }
            });
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /**
     * A digest of the current schema (columns of every table, and Flyway's history when present):
     * equal digests mean a version changed nothing a restore would have to undo.
     */
    public String schemaFingerprint() {
        return jdbi.withHandle(h -> {
            String columns = h.createQuery("""
                            select md5(coalesce(string_agg(table_name || '.' || column_name || ':' || data_type
                                                           || ':' || is_nullable, ',' order by table_name, column_name), ''))
                            from information_schema.columns where table_schema = current_schema()""")
                    .mapTo(String.class).one();
            boolean flyway = h.createQuery("select to_regclass('flyway_schema_history') is not null")
                    .mapTo(Boolean.class).one();
            String history = !flyway ? "" : h.createQuery("""
                            select md5(coalesce(string_agg(installed_rank || ':' || coalesce(version, '') || ':'
                                                           || coalesce(checksum, 0) || ':' || success, ',' order by installed_rank), ''))
                            from flyway_schema_history""")
                    .mapTo(String.class).one();
            return columns + "/" + history;
        });
    }

    /** The server's major version (16 for 16.15), to pick a pg_dump that can dump it. */
    public int serverMajorVersion() {
        return jdbi.withHandle(h -> h.createQuery("select current_setting('server_version_num')::int / 10000").mapTo(Integer.class).one());
    }

    /**
     * The statements that empty the current schema, to run in the same transaction as a restore
     * into it: a crash in between then leaves the old schema, never an empty one.
     */
    public String resetSchemaStatements() {
        String schema = jdbi.withHandle(h -> h.createQuery("select current_schema()").mapTo(String.class).one());
        return "drop schema " + quoteIdent(schema) + " cascade;\ncreate schema " + quoteIdent(schema) + ";\n";
    }

    private static String quoteIdent(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
