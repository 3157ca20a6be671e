package dev.serveragent.store;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** {@code chat_threads}: one row per chat of a channel. */
public final class ThreadRepository {
    private final Jdbi jdbi;
    private final Clock clock;

    public ThreadRepository(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * The {@code chat_threads} row of a chat of {@code platform}, created if missing (the Master's
     * thread for proactive reports, the console's thread). Safe against a concurrent insert.
     */
    public long findOrCreate(String platform, long chatId) {
        // A concurrent insert committed after this statement's snapshot is seen by neither branch:
        // then the next attempt finds it.
        for (int attempt = 0; ; attempt++) {
            Optional<Long> id = tryFindOrCreate(platform, chatId);
            if (id.isPresent() || attempt == 2) {
                return id.orElseThrow(() -> new IllegalStateException("chat_threads row for " + platform + " chat " + chatId + " neither found nor created"));
            }
        }
    }

    private Optional<Long> tryFindOrCreate(String platform, long chatId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        with ins as (
                          insert into chat_threads (platform, chat_id, created_at, updated_at) values (:platform, :chat, :now, :now)
                          on conflict (platform, chat_id) do nothing
                          returning id)
                        select id from ins
                        union all
                        select id from chat_threads where platform = :platform and chat_id = :chat
                        limit 1""")
                .bind("platform", platform).bind("chat", chatId)
                .bind("now", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).mapTo(Long.class).findOne());
    }
}
