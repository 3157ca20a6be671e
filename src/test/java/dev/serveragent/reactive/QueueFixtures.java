package dev.serveragent.reactive;

import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/** Rows for queue and approval tests, every field defaulted. */
final class QueueFixtures {
    /** The sender of a message unless a test names another. */
    static final long AUTHOR = 7;
    private final Jdbi jdbi;
    private long nextChat = 1000;
    private long nextMessage = 1;

    QueueFixtures(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    long thread() {
        long chat = nextChat++;
        return jdbi.withHandle(h -> h.createQuery("insert into chat_threads (platform, chat_id) values ('telegram', :c) returning id")
                .bind("c", chat).mapTo(Long.class).one());
    }

    long message(long thread, String text) {
        return message(thread, text, AUTHOR);
    }

    long message(long thread, String text, long author) {
        long pm = nextMessage++;
        return jdbi.withHandle(h -> h.createQuery("""
                        insert into chat_messages (thread_id, platform_message_id, role, author_user_id, text, created_at)
                        values (:t, :pm, 'user', :author, :text, now()) returning id""")
                .bind("t", thread).bind("pm", pm).bind("author", author).bind("text", text).mapTo(Long.class).one());
    }

    long job(long thread, String text) {
        return job(thread, text, AUTHOR);
    }

    long job(long thread, String text, long author) {
        long message = message(thread, text, author);
        return jdbi.withHandle(h -> h.createQuery("""
                        insert into reactive_jobs (thread_id, trigger_message_id, run_after, created_at)
                        values (:t, :m, :at, :at) returning id""")
                .bind("t", thread).bind("m", message).bind("at", Instant.EPOCH).mapTo(Long.class).one());
    }

    String status(long job) {
        return jdbi.withHandle(h -> h.createQuery("select status from reactive_jobs where id = :id").bind("id", job).mapTo(String.class).one());
    }
}
