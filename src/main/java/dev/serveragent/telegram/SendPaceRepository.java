package dev.serveragent.telegram;

import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code telegram_send_pace}: the bot's own send pace, kept in the database so that it holds for
 * the bot across replicas (each chat's pace is the outbox's {@code chat_threads.send_next_at}).
 */
public final class SendPaceRepository {
    private final Jdbi jdbi;

    public SendPaceRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Reserves the bot's next send slot, {@code interval} after the previous one reserved by any
     * replica, and returns when it starts: the caller waits until then, then sends.
     */
    public Instant reserveSendSlot(Instant now, Duration interval) {
        return jdbi.withHandle(h -> h.createQuery("""
                        update telegram_send_pace set next_at = greatest(next_at, :now) + :micros * interval '1 microsecond'
                        returning next_at - :micros * interval '1 microsecond'""")
                .bind("now", now)
                .bind("micros", interval.toNanos() / 1000)
                .mapTo(Instant.class)
                .one());
    }
}
