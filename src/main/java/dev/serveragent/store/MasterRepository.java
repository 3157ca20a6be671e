package dev.serveragent.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Paired Masters ({@code masters}) and the pairing codes and failures that admit them. Thread-safe. */
public final class MasterRepository {
    /** A paired Master, active or revoked. */
    public record PairedMaster(String platform, long userId, String displayName, Instant addedAt, Instant revokedAt) {}

    /** What redeeming a code found. */
    public enum Redeemed { PAIRED, ALREADY_MASTER, UNKNOWN, USED, EXPIRED }

    private final Jdbi jdbi;

    public MasterRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public boolean isActive(String platform, long userId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select exists (select 1 from masters where platform = :p and user_id = :u and revoked_at is null)""")
                .bind("p", platform).bind("u", userId).mapTo(Boolean.class).one());
    }

    /** Active paired Masters, oldest first. */
    public List<PairedMaster> active(String platform) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select user_id, display_name, added_at from masters
                        where platform = :p and revoked_at is null order by added_at, id""")
                .bind("p", platform)
                .map((rs, ctx) -> new PairedMaster(platform, rs.getLong("user_id"), rs.getString("display_name"),
                        rs.getTimestamp("added_at").toInstant(), null))
                .list());
    }

    /** Every paired Master of every platform, revoked ones too, newest first (at most {@code limit}). */
    public List<PairedMaster> history(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select platform, user_id, display_name, added_at, revoked_at from masters
                        order by added_at desc, id desc limit :limit""")
                .bind("limit", limit)
                .map((rs, ctx) -> new PairedMaster(rs.getString("platform"), rs.getLong("user_id"), rs.getString("display_name"),
                        rs.getTimestamp("added_at").toInstant(),
                        rs.getTimestamp("revoked_at") == null ? null : rs.getTimestamp("revoked_at").toInstant()))
                .list());
    }

    /** Revokes an active paired Master; false when there was none. */
    public boolean revoke(String platform, long userId, String by, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update masters set revoked_at = :now, revoked_by = :by
                        where platform = :p and user_id = :u and revoked_at is null""")
                .bind("now", now).bind("by", by).bind("p", platform).bind("u", userId).execute()) > 0;
    }

    public void createCode(String codeSha256, Instant now, Instant expiresAt) {
        jdbi.useHandle(h -> h.createUpdate("insert into pairing_codes (code_sha256, created_at, expires_at) values (:c, :now, :exp)")
                .bind("c", codeSha256).bind("now", now).bind("exp", expiresAt).execute());
    }

    /** Whether a code is still waiting: known, unused and unexpired. */
    public boolean codeOpen(String codeSha256, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select exists (select 1 from pairing_codes where code_sha256 = :c and used_at is null and expires_at > :now)""")
                .bind("c", codeSha256).bind("now", now).mapTo(Boolean.class).one());
    }

    /**
     * Uses the code for {@code userId} in one transaction: a code works once, whoever presents it
     * first (the row lock orders two at once), and only before it expires.
     */
    public Redeemed redeem(String codeSha256, String platform, long userId, String displayName, Instant now) {
        return jdbi.inTransaction(h -> {
            Optional<Instant[]> code = h.createQuery("select expires_at, used_at from pairing_codes where code_sha256 = :c for update")
                    .bind("c", codeSha256)
                    .map((rs, ctx) -> new Instant[] {rs.getTimestamp("expires_at").toInstant(),
                            rs.getTimestamp("used_at") == null ? null : rs.getTimestamp("used_at").toInstant()})
                    .findOne();
            if (code.isEmpty()) {
                return Redeemed.UNKNOWN;
            }
            if (code.get()[1] != null) {
                return Redeemed.USED;
            }
            if (!code.get()[0].isAfter(now)) {
                return Redeemed.EXPIRED;
            }
            h.createUpdate("update pairing_codes set used_at = :now, used_by = :u where code_sha256 = :c")
                    .bind("now", now).bind("u", userId).bind("c", codeSha256).execute();
            int added = h.createUpdate("""
                            insert into masters (platform, user_id, display_name, added_at) values (:p, :u, :name, :now)
                            on conflict (platform, user_id) where revoked_at is null do nothing""")
                    .bind("p", platform).bind("u", userId).bind("name", displayName).bind("now", now).execute();
            return added > 0 ? Redeemed.PAIRED : Redeemed.ALREADY_MASTER;
        });
    }

    public void recordFailure(long userId, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("insert into pairing_failures (user_id, failed_at) values (:u, :now)")
                .bind("u", userId).bind("now", now).execute());
    }

    public int failuresSince(long userId, Instant since) {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from pairing_failures where user_id = :u and failed_at > :since")
                .bind("u", userId).bind("since", since).mapTo(Integer.class).one());
    }
}
