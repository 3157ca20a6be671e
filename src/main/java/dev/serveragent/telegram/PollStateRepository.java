package dev.serveragent.telegram;

import java.time.Instant;
import java.util.OptionalLong;
import org.jdbi.v3.core.Jdbi;

/** {@code telegram_poll_state}: the next update_id to ask getUpdates for, so restarts neither lose nor replay updates. */
public final class PollStateRepository {
    private final Jdbi jdbi;

    public PollStateRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public OptionalLong nextOffset() {
        return jdbi.withHandle(h -> h.createQuery("select next_offset from telegram_poll_state where id = 1")
                .mapTo(Long.class)
                .findOne()
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty()));
    }

    /** Moves the offset forward (never back: two pollers racing after a deploy cannot rewind it). */
    public void advanceTo(long nextOffset, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into telegram_poll_state (id, next_offset, updated_at) values (1, :offset, :now)
                        on conflict (id) do update set next_offset = greatest(telegram_poll_state.next_offset, excluded.next_offset),
                                                       updated_at = excluded.updated_at""")
                .bind("offset", nextOffset)
                .bind("now", now)
                .execute());
    }
}
