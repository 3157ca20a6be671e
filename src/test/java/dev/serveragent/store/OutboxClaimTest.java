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
        long id = outbox.enqueue(thread, List.of("hello"), Optional.empty(), OutboxRepository.Delivery.SENDER, t0).getFirst();

        Outgoing first = outbox.claim("telegram", 1, t0, t0.plus(LEASE)).getFirst();
        assertThat(first.id()).isEqualTo(id);
        Optional<Outgoing> renewed = outbox.renewClaim(first, t0.plusSeconds(30).plus(LEASE));
        assertThat(renewed).as("still its own claim").isPresent();

        // The first sender stalls past its renewed lease; a second sender claims the row.
        Instant later = t0.plusSeconds(31).plus(LEASE);
        List<Outgoing> second = outbox.claim("telegram", 1, later, later.plus(LEASE));
        assertThat(second).extracting(Outgoing::id).containsExactly(id);

        assertThat(outbox.renewClaim(renewed.get(), later.plusSeconds(1).plus(LEASE))).as("the first sender's claim").isEmpty();
        assertThat(outbox.renewClaim(second.getFirst(), later.plusSeconds(1).plus(LEASE))).as("the second sender's claim").isPresent();
    }

    @Test
    void a_sender_claims_only_its_own_platforms_rows() {
        Instant t0 = Instant.parse("2026-06-02T10:00:00Z");
        long telegram = db.jdbi().withHandle(h -> h.createQuery(
                "insert into chat_threads (platform, chat_id) values ('telegram', 8002) returning id").mapTo(Long.class).one());
        // A third channel's platform: what its migration would add to the check.
        db.jdbi().useHandle(h -> h.execute("""
                alter table chat_threads drop constraint chat_threads_platform_check,
                    add constraint chat_threads_platform_check check (platform in ('telegram', 'console', 'loopback'))"""));
        long other = db.jdbi().withHandle(h -> h.createQuery(
                "insert into chat_threads (platform, chat_id) values ('loopback', 8002) returning id").mapTo(Long.class).one());
        long otherRow = outbox.enqueue(other, List.of("for loopback"), Optional.empty(), OutboxRepository.Delivery.SENDER, t0).getFirst();
        long telegramRow = outbox.enqueue(telegram, List.of("for telegram"), Optional.empty(), OutboxRepository.Delivery.SENDER, t0)
                .getFirst();

        assertThat(outbox.claim("telegram", 10, t0, t0.plus(LEASE))).extracting(Outgoing::id)
                .contains(telegramRow).doesNotContain(otherRow);
        assertThat(outbox.claim("console", 10, t0, t0.plus(LEASE))).extracting(Outgoing::id).doesNotContain(telegramRow, otherRow);
        assertThat(outbox.claim("loopback", 10, t0, t0.plus(LEASE))).extracting(Outgoing::id).containsExactly(otherRow);
    }
}
