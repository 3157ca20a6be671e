package dev.serveragent.store;

import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Browser sessions, keyed by the SHA-256 of the cookie's value (the caller hashes). Kept in the
 * database so they survive a restart and hold across replicas. Thread-safe.
 */
public final class WebSessionRepository {
    /** A live session: its CSRF token and when it ends. */
    public record Session(String csrfToken, Instant expiresAt) {}

    private final Jdbi jdbi;

    public WebSessionRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Idempotent: a second create of the same id (two first posts of one loopback browser at once) keeps the first. */
    public void create(String idSha256, String csrfToken, Instant now, Instant expiresAt) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into web_sessions (id_sha256, csrf_token, created_at, expires_at, last_seen_at)
                        values (:id, :csrf, :now, :expires, :now)
                        on conflict (id_sha256) do nothing""")
                .bind("id", idSha256).bind("csrf", csrfToken).bind("now", now).bind("expires", expiresAt).execute());
    }

    /** The session if it exists and has not expired; also drops expired ones now and then. */
    public Optional<Session> find(String idSha256, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select csrf_token, expires_at from web_sessions where id_sha256 = :id and expires_at > :now""")
                .bind("id", idSha256).bind("now", now)
                .map((rs, ctx) -> new Session(rs.getString("csrf_token"), rs.getTimestamp("expires_at").toInstant()))
                .findOne());
    }

    public void delete(String idSha256) {
        jdbi.useHandle(h -> h.createUpdate("delete from web_sessions where id_sha256 = :id").bind("id", idSha256).execute());
    }

    /** Removes expired sessions; returns how many. */
    public int deleteExpired(Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("delete from web_sessions where expires_at <= :now").bind("now", now).execute());
    }
}
