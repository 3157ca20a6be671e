package dev.serveragent.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads what a model needs to see: a thread's last messages with their artifacts, the trigger
 * message, the thread's chat. The last-N query walks the {@code (thread_id, created_at desc, id
 * desc)} index and stops after N rows, so its cost does not grow with the thread's length.
 */
public final class ContextRepository {
    public record Artifact(String kind, String status, String contentJson, String error) {}

    /**
     * A message with what came from elsewhere: {@code forwarded} when the Master forwarded
     * someone else's message (its text is not the Master's words), {@code quoted} the text of
     * the message it replies to or quotes (may be null).
     */
    public record Message(long id, String role, String text, Instant createdAt, String kind, List<Artifact> artifacts,
                          boolean forwarded, String quoted) {
        public Message(long id, String role, String text, Instant createdAt, String kind, List<Artifact> artifacts) {
            this(id, role, text, createdAt, kind, artifacts, false, null);
        }

        /** Whether any of it is data from outside the Master's own words (DESIGN: untrusted content). */
        public boolean carriesUntrusted() {
            return forwarded || quoted != null || !artifacts.isEmpty();
        }
    }

    public record Thread(long id, String platform, long chatId) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Artifact>> ARTIFACTS = new TypeReference<>() {};

    private final Jdbi jdbi;

    public ContextRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The last {@code limit} messages of the thread up to and including {@code uptoMessageId}, oldest first. */
    public List<Message> lastMessages(long threadId, long uptoMessageId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select m.id, m.role, m.text, m.created_at, m.kind,
                               coalesce((select json_agg(json_build_object(
                                           'kind', a.kind, 'status', a.status,
                                           'contentJson', a.content_json::text, 'error', a.error) order by a.id)
                                         from message_artifacts a where a.message_id = m.id), '[]'::json)::text as artifacts,
                               (m.raw_payload #> '{message,forward_origin}' is not null
                                or m.raw_payload #> '{message,forward_from}' is not null
                                or m.raw_payload #> '{message,forward_sender_name}' is not null) as forwarded,
                               coalesce(m.raw_payload #>> '{message,quote,text}', m.raw_payload #>> '{message,reply_to_message,text}',
                                        m.raw_payload #>> '{message,reply_to_message,caption}') as quoted
                        from (select * from chat_messages
                              where thread_id = :thread
                                and (created_at, id) <= (select created_at, id from chat_messages where id = :upto)
                              order by created_at desc, id desc
                              limit :limit) m
                        order by m.created_at, m.id""")
                .bind("thread", threadId)
                .bind("upto", uptoMessageId)
                .bind("limit", limit)
                .map((rs, ctx) -> new Message(rs.getLong("id"), rs.getString("role"), rs.getString("text"),
                        rs.getTimestamp("created_at").toInstant(), rs.getString("kind"), artifacts(rs.getString("artifacts")),
                        rs.getBoolean("forwarded"), rs.getString("quoted")))
                .list());
    }

    /** The last {@code limit} messages of the thread, oldest first. */
    public List<Message> lastMessages(long threadId, int limit) {
        Optional<Long> newest = jdbi.withHandle(h -> h.createQuery("""
                        select id from chat_messages where thread_id = :thread order by created_at desc, id desc limit 1""")
                .bind("thread", threadId)
                .mapTo(Long.class)
                .findOne());
        return newest.map(id -> lastMessages(threadId, id, limit)).orElse(List.of());
    }

    public Optional<Thread> thread(long threadId) {
        return jdbi.withHandle(h -> h.createQuery("select id, platform, chat_id from chat_threads where id = :id")
                .bind("id", threadId)
                .map((rs, ctx) -> new Thread(rs.getLong("id"), rs.getString("platform"), rs.getLong("chat_id")))
                .findOne());
    }

    /** Who sent a stored user message ({@code author_user_id}, the sender's name when known) and its text. */
    public record Author(Long userId, String name, String text) {}

    public Optional<Author> author(long messageId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select author_user_id, text,
                               coalesce(raw_payload #>> '{message,from,username}', raw_payload #>> '{message,from,first_name}') as name
                        from chat_messages where id = :m""")
                .bind("m", messageId)
                .map((rs, ctx) -> new Author((Long) rs.getObject("author_user_id", Long.class), rs.getString("name"), rs.getString("text")))
                .findOne());
    }

    private static List<Artifact> artifacts(String json) {
        try {
            return JSON.readValue(json, ARTIFACTS);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("artifact aggregate is not valid JSON", e);
        }
    }
}
