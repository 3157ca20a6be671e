package dev.serveragent.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code message_artifacts}: placeholders are inserted {@code pending} at ingestion (see
 * a channel's ingestion); workers claim them with {@code FOR UPDATE SKIP LOCKED} and a lease,
 * then mark them {@code done} or, after {@link #MAX_ATTEMPTS}, {@code failed}. Each finish sends
 * {@code NOTIFY message_artifacts} with the message id as payload, and makes the message's
 * classification, which was put back to look again a little later ({@code ClassifyStep}), due at
 * once with {@code NOTIFY reactive_jobs}: without that a voice or photo was acknowledged only at
 * that next look, about a second after its artifact was ready.
 */
public final class ArtifactRepository {
    public static final int MAX_ATTEMPTS = 3;

    /** A claimed placeholder. {@code contentJson} holds {@code {"source": {...}}} as ingestion wrote it. */
    public record Claimed(long id, long messageId, String kind, String contentJson, int attempts, long chatId, long platformMessageId) {}

    /** An artifact as stored. {@code contentJson}, {@code uri} and {@code error} may be null. */
    public record Artifact(long id, long messageId, String kind, String status, String contentJson, String uri, int attempts, String error) {}

    private final Jdbi jdbi;

    public ArtifactRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Claims the oldest due placeholder until {@code leaseUntil}, if any. A placeholder whose
     * {@link #MAX_ATTEMPTS} claims all ended without a result (the worker died or was stopped each
     * time, its lease ran out) is marked {@code failed} instead of being claimed again: a file that
     * kills its worker must not go on killing the next one.
     */
    public Optional<Claimed> claim(Instant now, Instant leaseUntil) {
        return jdbi.inTransaction(h -> {
            h.createQuery("""
                            with given_up as (
                                update message_artifacts
                                   set status = 'failed', locked_until = null, updated_at = :now,
                                       error = 'gave up after ' || attempts || ' attempts that never finished (the worker stopped while producing it)'
                                 where status = 'pending' and attempts >= :max and locked_until < :now
                                returning message_id)
                            select message_id from given_up""")
                    .bind("now", now).bind("max", MAX_ATTEMPTS)
                    .mapTo(Long.class).list().forEach(messageId -> finished(h, messageId, now));
            return h.createQuery("""
                        update message_artifacts a
                           set locked_until = :lease,          -- our claim; another worker takes over if we die
                               attempts = a.attempts + 1,
                               updated_at = :now
                          from chat_messages m join chat_threads t on t.id = m.thread_id
                         where m.id = a.message_id
                           and a.id = (select id from message_artifacts
                                        where status = 'pending'
                                          and run_after <= :now  -- backoff after a failure
                                          and (locked_until is null or locked_until < :now)
                                          and attempts < :max
                                        order by id
                                        limit 1
                                        for update skip locked) -- held by another worker: take the next
                        returning a.id, a.message_id, a.kind, cast(a.content_json as text) as content, a.attempts,
                                  t.chat_id, coalesce(m.platform_message_id, 0) as pmid""")
                .bind("lease", leaseUntil)
                .bind("now", now)
                .bind("max", MAX_ATTEMPTS)
                .map((rs, ctx) -> new Claimed(rs.getLong("id"), rs.getLong("message_id"), rs.getString("kind"),
                        rs.getString("content"), rs.getInt("attempts"), rs.getLong("chat_id"), rs.getLong("pmid")))
                .findOne();
        });
    }

    /** Marks the artifact done with its content, as {@code kind} (a download over the limit becomes {@code file_meta}). */
    public void complete(long id, String kind, String contentJson, String uri, Instant now) {
        finish(id, kind, contentJson, uri, null, null, now);
    }

    /**
     * Marks the artifact done from the bytes in hand while its original could not be kept
     * ({@code blobError}): the original is fetched and written again from {@code retryAt}.
     */
    public void completeWithoutBlob(long id, String kind, String contentJson, String blobError, Instant retryAt, Instant now) {
        finish(id, kind, contentJson, null, retryAt, blobError, now);
    }

    private void finish(long id, String kind, String contentJson, String uri, Instant blobRetryAt, String blobError, Instant now) {
        jdbi.useTransaction(h -> {
            long messageId = h.createQuery("""
                            update message_artifacts
                               set status = 'done', kind = :kind, content_json = cast(:content as jsonb), uri = :uri, error = null,
                                   locked_until = null, updated_at = :now, blob_retry_at = :blobRetryAt, blob_error = :blobError
                             where id = :id
                            returning message_id""")
                    .bind("kind", kind).bind("content", contentJson).bind("uri", uri).bind("now", now).bind("id", id)
                    .bind("blobRetryAt", blobRetryAt).bind("blobError", blobError)
                    .mapTo(Long.class).one();
            finished(h, messageId, now);
        });
    }

    /** An artifact of the message reached done or failed: tell listeners, and let its waiting classification look now. */
    private static void finished(Handle h, long messageId, Instant now) {
        h.execute("select pg_notify(?, ?)", NotifyChannel.MESSAGE_ARTIFACTS.sqlName(), Long.toString(messageId));
        h.createQuery("""
                        with due as (
                            update reactive_jobs set run_after = :now
                             where trigger_message_id = :msg
                               and status = 'queued' and mode = 'classify'
                               and run_after > :now  -- waiting for its next look
                            returning id)
                        select pg_notify(:channel, cast(id as text)) from due""")
                .bind("now", now).bind("msg", messageId).bind("channel", NotifyChannel.REACTIVE_JOBS.sqlName())
                .mapToMap().list();
    }

    /**
     * Claims the oldest artifact whose original is due to be written again, until {@code leaseUntil}
     * (the retry time is moved to the lease: a worker that dies leaves it to the next one then).
     */
    public Optional<Claimed> claimBlobRetry(Instant now, Instant leaseUntil) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update message_artifacts a
                           set blob_retry_at = :lease, blob_attempts = a.blob_attempts + 1, updated_at = :now
                          from chat_messages m join chat_threads t on t.id = m.thread_id
                         where m.id = a.message_id
                           and a.id = (select id from message_artifacts
                                        where blob_retry_at <= :now
                                        order by blob_retry_at
                                        limit 1
                                        for update skip locked)
                        returning a.id, a.message_id, a.kind, cast(a.content_json as text) as content, a.blob_attempts,
                                  t.chat_id, coalesce(m.platform_message_id, 0) as pmid""")
                .bind("lease", leaseUntil)
                .bind("now", now)
                .map((rs, ctx) -> new Claimed(rs.getLong("id"), rs.getLong("message_id"), rs.getString("kind"),
                        rs.getString("content"), rs.getInt("blob_attempts"), rs.getLong("chat_id"), rs.getLong("pmid")))
                .findOne());
    }

    /** The original is kept at {@code uri}: nothing more to do. */
    public void blobStored(long id, String uri, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update message_artifacts set uri = :uri, blob_retry_at = null, blob_error = null, updated_at = :now where id = :id""")
                .bind("uri", uri).bind("now", now).bind("id", id).execute());
    }

    /** The original could not be kept again: retry at {@code retryAt}, or never (empty: given up, the reason stays). */
    public void blobFailed(long id, String error, Optional<Instant> retryAt, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update message_artifacts set blob_retry_at = :at, blob_error = :error, updated_at = :now where id = :id""")
                .bind("at", retryAt.orElse(null)).bind("error", error).bind("now", now).bind("id", id).execute());
    }

    /**
     * Records a failed attempt: back to {@code pending} after {@code backoff}, or {@code failed}
     * once {@link #MAX_ATTEMPTS} are used. Returns true when it is now final.
     */
    public boolean fail(long id, String error, Duration backoff, Instant now) {
        return jdbi.inTransaction(h -> {
            var row = h.createQuery("""
                            update message_artifacts
                               set status = case when attempts >= :max then 'failed' else 'pending' end,
                                   error = :error, locked_until = null, run_after = :retryAt, updated_at = :now
                             where id = :id
                            returning message_id, status""")
                    .bind("max", MAX_ATTEMPTS).bind("error", error).bind("retryAt", now.plus(backoff))
                    .bind("now", now).bind("id", id)
                    .mapToMap().one();
            boolean failed = "failed".equals(row.get("status"));
            if (failed) {
                finished(h, ((Number) row.get("message_id")).longValue(), now);
            }
            return failed;
        });
    }

    /** Placeholders of the message still being produced (the classifier waits for them to reach zero). */
    public int pendingArtifactCount(long messageId) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from message_artifacts where message_id = :m and status = 'pending'")
                .bind("m", messageId).mapTo(Integer.class).one());
    }

    public List<Artifact> forMessage(long messageId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select id, message_id, kind, status, cast(content_json as text) as content, uri, attempts, error
                        from message_artifacts where message_id = :m order by id""")
                .bind("m", messageId)
                .map((rs, ctx) -> new Artifact(rs.getLong("id"), rs.getLong("message_id"), rs.getString("kind"),
                        rs.getString("status"), rs.getString("content"), rs.getString("uri"), rs.getInt("attempts"), rs.getString("error")))
                .list());
    }
}
