package dev.serveragent.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.jdbi.v3.core.Jdbi;

/**
 * Reads what a model needs to see: a thread's last messages with their artifacts, the trigger
 * message, the thread's chat. The last-N query walks the {@code (thread_id, created_at desc, id
 * desc)} index and stops after N rows, so its cost does not grow with the thread's length.
 */
public final class ContextRepository {
    public record Artifact(String kind, String status, String contentJson, String error) {}

    /**
     * A message with what came from elsewhere: {@code forwarded} when its text is someone else's
     * message passed on (a forward, an automatic forward from a linked channel), {@code quoted} the
     * text of the message it replies to or quotes, or a note naming the other chat's message it
     * replies to (may be null). {@code authorUserId} and {@code authorName} say who sent it (both
     * may be null); {@code member} is true for a user message whose author is not a Master (another
     * member of a group): its words are data, never the Master's.
     */
    public record Message(long id, String role, String text, Instant createdAt, String kind, List<Artifact> artifacts,
                          boolean forwarded, String quoted, Long authorUserId, String authorName, boolean member) {
        /** A message of a Master (or of the agent), for callers that know no author. */
        public Message(long id, String role, String text, Instant createdAt, String kind, List<Artifact> artifacts,
                       boolean forwarded, String quoted) {
            this(id, role, text, createdAt, kind, artifacts, forwarded, quoted, null, null, false);
        }

        public Message(long id, String role, String text, Instant createdAt, String kind, List<Artifact> artifacts) {
            this(id, role, text, createdAt, kind, artifacts, false, null);
        }

        /** This message, written by a non-Master member when {@code member} is true. */
        Message byMember(boolean member) {
            return new Message(id, role, text, createdAt, kind, artifacts, forwarded, quoted, authorUserId, authorName, member);
        }

        /** Whether any of it is data from outside the Master's own words (DESIGN: untrusted content). */
        public boolean carriesUntrusted() {
            return member || forwarded || quoted != null || !artifacts.isEmpty();
        }
    }

    public record Thread(long id, String platform, long chatId) {}

    /** What a channel's stored payload says of a message: passed on from elsewhere, what it quotes, its author's name. */
    public record Provenance(boolean forwarded, String quoted, String authorName) {
        public static final Provenance NONE = new Provenance(false, null, null);
    }

    /**
     * Reads a channel's own stored payload ({@code chat_messages.raw_payload}, which only the
     * channel knows the shape of). Thread-safe.
     */
    public interface PayloadReader {
        /** A payload that says nothing of provenance or names (the console's, a reply's). */
        PayloadReader NONE = new PayloadReader() {
            @Override
            public Provenance read(String rawPayloadJson) {
                return Provenance.NONE;
            }

            @Override
            public String senderName(String rawPayloadJson) {
                return null;
            }
        };

        /** @param rawPayloadJson the stored payload, or null */
        Provenance read(String rawPayloadJson);

        /** The sender's name for a greeting (pairing), or null. */
        String senderName(String rawPayloadJson);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Artifact>> ARTIFACTS = new TypeReference<>() {};

    private final Jdbi jdbi;

    public ContextRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The last {@code limit} messages of the thread up to and including {@code uptoMessageId}, oldest
     * first. {@code isMaster} says whether a sender's user id is a Master's (the thread's platform
     * decides; it gets null for a message without a sender); it is asked after the query, once per
     * distinct author. {@code payloads} reads what the thread's channel stored of each message
     * (passed on, quoting, its author's name).
     */
    public List<Message> lastMessages(long threadId, long uptoMessageId, int limit, Predicate<Long> isMaster, PayloadReader payloads) {
        List<Message> rows = jdbi.withHandle(h -> h.createQuery("""
                        select m.id, m.role, m.text, m.created_at, m.kind, m.author_user_id,
                               coalesce((select json_agg(json_build_object(
                                           'kind', a.kind, 'status', a.status,
                                           'contentJson', a.content_json::text, 'error', a.error) order by a.id)
                                         from message_artifacts a where a.message_id = m.id), '[]'::json)::text as artifacts,
                               cast(m.raw_payload as text) as raw
                        from (select * from chat_messages
                              where thread_id = :thread
                                and (created_at, id) <= (select created_at, id from chat_messages where id = :upto)
                              order by created_at desc, id desc
                              limit :limit) m
                        order by m.created_at, m.id""")
                .bind("thread", threadId)
                .bind("upto", uptoMessageId)
                .bind("limit", limit)
                .map((rs, ctx) -> {
                    Provenance p = payloads.read(rs.getString("raw"));
                    return new Message(rs.getLong("id"), rs.getString("role"), rs.getString("text"),
                            rs.getTimestamp("created_at").toInstant(), rs.getString("kind"), artifacts(rs.getString("artifacts")),
                            p.forwarded(), p.quoted(), rs.getObject("author_user_id", Long.class), p.authorName(), false);
                })
                .list());
        Map<Long, Boolean> masters = new HashMap<>();
        return rows.stream()
                .map(m -> m.role().equals("user") ? m.byMember(!masters.computeIfAbsent(m.authorUserId(), isMaster::test)) : m)
                .toList();
    }

    /** The last {@code limit} messages of the thread, oldest first (see the other overload). */
    public List<Message> lastMessages(long threadId, int limit, Predicate<Long> isMaster, PayloadReader payloads) {
        Optional<Long> newest = jdbi.withHandle(h -> h.createQuery("""
                        select id from chat_messages where thread_id = :thread order by created_at desc, id desc limit 1""")
                .bind("thread", threadId)
                .mapTo(Long.class)
                .findOne());
        return newest.map(id -> lastMessages(threadId, id, limit, isMaster, payloads)).orElse(List.of());
    }

    public Optional<Thread> thread(long threadId) {
        return jdbi.withHandle(h -> h.createQuery("select id, platform, chat_id from chat_threads where id = :id")
                .bind("id", threadId)
                .map((rs, ctx) -> new Thread(rs.getLong("id"), rs.getString("platform"), rs.getLong("chat_id")))
                .findOne());
    }

    /** Who sent a stored user message ({@code author_user_id}, the sender's name when known) and its text. */
    public record Author(Long userId, String name, String text) {}

    /** The author of a stored user message; {@code payloads} reads the sender's name from what the channel stored. */
    public Optional<Author> author(long messageId, PayloadReader payloads) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select author_user_id, text, cast(raw_payload as text) as raw
                        from chat_messages where id = :m""")
                .bind("m", messageId)
                .map((rs, ctx) -> new Author((Long) rs.getObject("author_user_id", Long.class), payloads.senderName(rs.getString("raw")),
                        rs.getString("text")))
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
