package dev.serveragent.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.store.OutboxRepository.Outgoing;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Outbox claims on a real database, with the time given explicitly. */
class OutboxClaimTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    final OutboxRepository outbox = new OutboxRepository(db.jdbi());
    static final Duration LEASE = Duration.ofMinutes(2);

    @Test
    void a_sender_whose_claim_ran_out_and_was_taken_over_does_not_get_to_renew_it() {
        Instant t0 = Instant.parse("2026-06-01T10:00:00.123456789Z");
        long thread = db.jdbi().withHandle(h -> h.createQuery(
                "insert into chat_threads (platform, chat_id) values ('telegram', 8001) returning id").mapTo(Long.class).one());
        long id = outbox.enqueue(thread, List.of("hello"), Optional.empty(), true, t0).getFirst();

        Outgoing first = outbox.claim(1, t0, t0.plus(LEASE)).getFirst();
        assertThat(first.id()).isEqualTo(id);
        Optional<Outgoing> renewed = outbox.renewClaim(first, t0.plusSeconds(30).plus(LEASE));
        assertThat(renewed).as("still its own claim").isPresent();

        // The first sender stalls past its renewed lease; a second sender claims the row.
        Instant later = t0.plusSeconds(31).plus(LEASE);
        List<Outgoing> second = outbox.claim(1, later, later.plus(LEASE));
        assertThat(second).extracting(Outgoing::id).containsExactly(id);

        assertThat(outbox.renewClaim(renewed.get(), later.plusSeconds(1).plus(LEASE))).as("the first sender's claim").isEmpty();
        assertThat(outbox.renewClaim(second.getFirst(), later.plusSeconds(1).plus(LEASE))).as("the second sender's claim").isPresent();
    }
}
