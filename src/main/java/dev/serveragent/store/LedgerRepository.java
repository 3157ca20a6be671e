package dev.serveragent.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.claude.Usage;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code token_ledger}: every model call's real usage. {@code tokens_input} counts every prompt
 * token (uncached + cache creation + cache read); the breakdown goes into {@code meta_json}.
 */
public final class LedgerRepository {
    public enum Scope { PROACTIVE, REACTIVE }

    public enum Provider { CLAUDE_CODE, ANTHROPIC_API, OTHER }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Jdbi jdbi;

    public LedgerRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Records one call's usage; {@code meta} adds model, cost and the like to the token breakdown. */
    public long record(Scope scope, Provider provider, Usage usage, Map<String, Object> meta, OptionalLong jobId, Instant at) {
        Map<String, Object> all = new LinkedHashMap<>(meta);
        all.put("input_tokens", usage.inputTokens());
        all.put("cache_creation_input_tokens", usage.cacheCreationInputTokens());
        all.put("cache_read_input_tokens", usage.cacheReadInputTokens());
        all.put("output_tokens", usage.outputTokens());
        String json;
        try {
            json = JSON.writeValueAsString(all);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("ledger meta is not serialisable", e);
        }
        return jdbi.withHandle(h -> h.createQuery("""
                        insert into token_ledger (scope, provider, tokens_input, tokens_output, tokens_total, meta_json, job_id, created_at)
                        values (:scope, :provider, :in, :out, :total, cast(:meta as jsonb), :job, :at)
                        returning id""")
                .bind("scope", scope.name().toLowerCase(java.util.Locale.ROOT))
                .bind("provider", provider.name().toLowerCase(java.util.Locale.ROOT))
                .bind("in", usage.promptTokens())
                .bind("out", usage.outputTokens())
                .bind("total", usage.totalTokens())
                .bind("meta", json)
                .bind("job", jobId.isPresent() ? jobId.getAsLong() : null)
                .bind("at", at)
                .mapTo(Long.class)
                .one());
    }

    /** Total tokens of {@code scope} recorded in {@code [from, to)}. */
    public long totalBetween(Scope scope, Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select coalesce(sum(tokens_total), 0) from token_ledger
                        where scope = :scope and created_at >= :from and created_at < :to""")
                .bind("scope", scope.name().toLowerCase(java.util.Locale.ROOT))
                .bind("from", from)
                .bind("to", to)
                .mapTo(Long.class)
                .one());
    }
}
