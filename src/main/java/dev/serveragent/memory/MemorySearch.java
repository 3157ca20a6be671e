package dev.serveragent.memory;

import dev.serveragent.store.SearchRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Search over everything the agent stored, and reading messages back (docs/MEMORY.md). Bounds every
 * request so one call cannot pull the whole history into a model's context. Thread-safe.
 */
public final class MemorySearch {
    public static final int DEFAULT_HITS = 10;
    public static final int MAX_HITS = 50;
    public static final int MAX_QUERY_CHARS = 500;
    public static final int MAX_AROUND = 50;
    public static final int MAX_RANGE_MESSAGES = 200;

    private final SearchRepository repository;

    public MemorySearch(SearchRepository repository) {
        this.repository = repository;
    }

    /**
     * The best hits, best first (the {@code search_memory} tool).
     *
     * @throws IllegalArgumentException on a blank or over-long query or a limit out of 1..{@value #MAX_HITS}
     */
    public List<SearchRepository.Hit> search(String query, OptionalLong threadId, int limit) {
        String q = checkedQuery(query);
        requireRange("limit", limit, 1, MAX_HITS);
        return repository.search(q, threadId, limit);
    }

    /**
     * The same search, as a list of every matching message newest first, one page of at most
     * {@code limit} messages below message {@code before} (the dashboard's search): follow
     * {@link SearchRepository.Page#olderBefore()} to reach every match once.
     *
     * @throws IllegalArgumentException as {@link #search}
     */
    public SearchRepository.Page newest(String query, OptionalLong threadId, Optional<Long> before, int limit) {
        String q = checkedQuery(query);
        requireRange("limit", limit, 1, MAX_HITS);
        return repository.newest(q, threadId, before, limit);
    }

    private static String checkedQuery(String query) {
        String q = query == null ? "" : query.strip();
        if (q.isEmpty()) {
            throw new IllegalArgumentException("'query' is empty: give the words to look for");
        }
        if (q.length() > MAX_QUERY_CHARS) {
            throw new IllegalArgumentException("'query' has " + q.length() + " characters; at most " + MAX_QUERY_CHARS);
        }
        return q;
    }

    /**
     * The thread a run is confined to (review finding M2), or empty when it may search and read
     * every thread. A run serving a group chat (any thread that is not a private chat: a group,
     * supergroup or channel, or a thread that does not exist) is confined to that thread, so the
     * Master's private messages and notes cannot be searched, read and quoted to the group's
     * members. A run in a private chat (only the Master's own runs happen there) and a proactive
     * run (no thread; it reaches only the Master) keep the whole history.
     */
    public OptionalLong confinement(OptionalLong runThread) {
        if (runThread.isEmpty() || repository.isPrivate(runThread.getAsLong())) {
            return OptionalLong.empty();
        }
        return runThread;
    }

    /**
     * The message {@code messageId} and its neighbours in its thread; empty when there is no such
     * message or it is outside {@code onlyThread} (when given).
     */
    public List<SearchRepository.StoredMessage> around(long messageId, int before, int after, OptionalLong onlyThread) {
        requireRange("before", before, 0, MAX_AROUND);
        requireRange("after", after, 0, MAX_AROUND);
        return repository.around(messageId, before, after, onlyThread);
    }

    public List<SearchRepository.StoredMessage> between(long threadId, Instant from, Instant to, int limit) {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("'from' (" + from + ") must be before 'to' (" + to + ")");
        }
        requireRange("limit", limit, 1, MAX_RANGE_MESSAGES);
        return repository.between(threadId, from, to, limit);
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("'" + name + "' is " + value + "; it must be between " + min + " and " + max);
        }
    }
}
