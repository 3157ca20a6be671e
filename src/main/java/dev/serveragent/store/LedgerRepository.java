package dev.serveragent.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /**
     * One call's tokens as the ledger stores them: {@code tokens_input} is {@link #prompt()} (uncached
     * + cache creation + cache read), the four parts go into {@code meta_json}. The store's own type,
     * so that it knows no model client (callers turn their client's usage into it).
     */
    public record Tokens(long input, long output, long cacheCreationInput, long cacheReadInput) {
        public long prompt() {
            return input + cacheCreationInput + cacheReadInput;
        }

        public long total() {
            return prompt() + output;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Jdbi jdbi;

    public LedgerRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Records one call's usage; {@code meta} adds model, cost and the like to the token breakdown. */
    public long record(Scope scope, Provider provider, Tokens usage, Map<String, Object> meta, OptionalLong jobId, Instant at) {
        Map<String, Object> all = new LinkedHashMap<>(meta);
        all.put("input_tokens", usage.input());
        all.put("cache_creation_input_tokens", usage.cacheCreationInput());
        all.put("cache_read_input_tokens", usage.cacheReadInput());
        all.put("output_tokens", usage.output());
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
                .bind("in", usage.prompt())
                .bind("out", usage.output())
                .bind("total", usage.total())
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

    /** Tokens of one scope in one UTC hour. */
    public record HourTokens(Instant hour, String scope, long tokens) {}

    /**
     * One UTC day's usage of one scope, provider and model, with the token breakdown the API price
     * table needs and the dollars Claude Code reported ({@code meta_json.cost_usd}).
     */
    public record DayUsage(Instant day, String scope, String provider, String model, long calls, long tokensTotal,
            long input, long cacheCreation, long cacheRead, long output, double reportedCostUsd) {}

    /**
     * Tokens per UTC hour and scope in {@code [from, to)} (hour-aligned bounds); hours without
     * usage are absent. Read from {@code token_usage_hourly}, which a trigger keeps (V62).
     */
    public java.util.List<HourTokens> hourly(Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select hour, scope, sum(tokens_total) as tokens from token_usage_hourly
                        where hour >= :from and hour < :to group by 1, 2 order by 1, 2""")
                .bind("from", from).bind("to", to)
                .map((rs, ctx) -> new HourTokens(rs.getObject("hour", java.time.OffsetDateTime.class).toInstant(),
                        rs.getString("scope"), rs.getLong("tokens")))
                .list());
    }

    /** Usage per UTC day, scope, provider and model in {@code [from, to)} (day-aligned bounds), from {@code token_usage_hourly}. */
    public java.util.List<DayUsage> daily(Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select date_trunc('day', hour, 'UTC') as day, scope, provider, model, sum(calls) as calls,
                               sum(tokens_total) as total, sum(input) as input, sum(cache_creation) as cache_creation,
                               sum(cache_read) as cache_read, sum(output) as output, sum(cost_usd) as cost
                        from token_usage_hourly
                        where hour >= :from and hour < :to
                        group by 1, 2, 3, 4 order by 1, 2, 3, 4""")
                .bind("from", from).bind("to", to)
                .map((rs, ctx) -> new DayUsage(rs.getObject("day", java.time.OffsetDateTime.class).toInstant(),
                        rs.getString("scope"), rs.getString("provider"), rs.getString("model"), rs.getLong("calls"),
                        rs.getLong("total"), rs.getLong("input"), rs.getLong("cache_creation"), rs.getLong("cache_read"),
                        rs.getLong("output"), rs.getDouble("cost")))
                .list());
    }
}
