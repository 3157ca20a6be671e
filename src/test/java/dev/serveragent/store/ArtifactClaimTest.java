package dev.serveragent.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Claims of artifact placeholders on a real database, with the time given explicitly. */
class ArtifactClaimTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    final ArtifactRepository artifacts = new ArtifactRepository(db.jdbi());
    static final Duration LEASE = Duration.ofMinutes(10);

    private static long placeholder(long chatId) {
        return db.jdbi().withHandle(h -> {
            long thread = h.createQuery("insert into chat_threads (platform, chat_id) values ('telegram', :c) returning id")
                    .bind("c", chatId).mapTo(Long.class).one();
            long message = h.createQuery("""
                            insert into chat_messages (thread_id, platform_message_id, role, text, created_at)
                            values (:t, 1, 'user', null, now()) returning id""")
                    .bind("t", thread).mapTo(Long.class).one();
            return h.createQuery("""
                            insert into message_artifacts (message_id, kind, content_json, status, run_after)
                            values (:m, 'file_meta', '{"source":{}}', 'pending', '2026-01-01T00:00:00Z') returning id""")
                    .bind("m", message).mapTo(Long.class).one();
        });
    }

    @Test
    void a_placeholder_whose_every_claim_died_with_its_worker_is_failed_not_claimed_a_fourth_time() {
        long id = placeholder(7001);
        Instant t = Instant.parse("2026-06-01T10:00:00Z");
        for (int attempt = 1; attempt <= ArtifactRepository.MAX_ATTEMPTS; attempt++) {
            var claimed = artifacts.claim(t, t.plus(LEASE));
            assertThat(claimed).as("claim %d", attempt).isPresent();
            assertThat(claimed.get().id()).isEqualTo(id);
            assertThat(claimed.get().attempts()).isEqualTo(attempt);
            t = t.plus(LEASE).plusSeconds(1); // the worker never finished: its lease runs out
        }
        assertThat(artifacts.claim(t, t.plus(LEASE))).isEmpty();
        var row = db.jdbi().withHandle(h -> h.createQuery("select status, error from message_artifacts where id = :id")
                .bind("id", id).mapToMap().one());
        assertThat(row.get("status")).isEqualTo("failed");
        assertThat((String) row.get("error")).contains("gave up after 3 attempts");
    }

    @Test
    void a_placeholder_still_leased_on_its_last_attempt_is_left_to_its_worker() {
        long id = placeholder(7002);
        Instant t = Instant.parse("2026-06-02T10:00:00Z");
        for (int attempt = 1; attempt <= ArtifactRepository.MAX_ATTEMPTS; attempt++) {
            assertThat(artifacts.claim(t, t.plus(LEASE))).isPresent();
            if (attempt < ArtifactRepository.MAX_ATTEMPTS) {
                t = t.plus(LEASE).plusSeconds(1);
            }
        }
        assertThat(artifacts.claim(t.plusSeconds(60), t.plus(LEASE))).isEmpty();
        String status = db.jdbi().withHandle(h -> h.createQuery("select status from message_artifacts where id = :id")
                .bind("id", id).mapTo(String.class).one());
        assertThat(status).isEqualTo("pending");
    }
}
