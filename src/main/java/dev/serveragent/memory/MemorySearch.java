package dev.serveragent.memory;

import dev.serveragent.store.SearchRepository;
import java.time.Instant;
import java.util.List;
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

    /** @throws IllegalArgumentException on a blank or over-long query or a limit out of 1..{@value #MAX_HITS} */
    public List<SearchRepository.Hit> search(String query, OptionalLong threadId, int limit) {
        String q = query == null ? "" : query.strip();
        if (q.isEmpty()) {
            throw new IllegalArgumentException("'query' is empty: give the words to look for");
        }
        if (q.length() > MAX_QUERY_CHARS) {
            throw new IllegalArgumentException("'query' has " + q.length() + " characters; at most " + MAX_QUERY_CHARS);
        }
        requireRange("limit", limit, 1, MAX_HITS);
        return repository.search(q, threadId, limit);
    }

    public List<SearchRepository.StoredMessage> around(long messageId, int before, int after) {
        requireRange("before", before, 0, MAX_AROUND);
        requireRange("after", after, 0, MAX_AROUND);
        return repository.around(messageId, before, after);
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
