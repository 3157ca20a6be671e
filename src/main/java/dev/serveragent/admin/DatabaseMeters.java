package dev.serveragent.admin;

import dev.serveragent.budget.UtcDay;
import dev.serveragent.store.JobStatus;
import dev.serveragent.store.LedgerRepository;
import dev.serveragent.store.OperationsRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges whose numbers already live in the database, read at scrape time: jobs by status, today's
 * tokens by scope and provider, deployments by status. One scrape reads them all at most once per
 * {@link #MAX_AGE} (several Prometheus servers or a fast scrape interval do not multiply the
 * queries); when the database cannot be read the gauges keep their last values and the failure is
 * logged. Thread-safe.
 */
public final class DatabaseMeters {
    private static final Logger log = LoggerFactory.getLogger(DatabaseMeters.class);
    static final Duration MAX_AGE = Duration.ofSeconds(15);
    static final List<String> JOB_STATUSES = JobStatus.sqlNames();
    static final List<String> DEPLOY_STATUSES = List.of("building", "testing", "deploying", "healthy", "rolled_back", "failed");
    static final List<String> SCOPES = List.of("proactive", "reactive");
    static final List<String> PROVIDERS = List.of("claude_code", "anthropic_api", "other");

    private final OperationsRepository operations;
    private final LedgerRepository ledger;
    private final Clock clock;
    private volatile Map<String, Double> values = Map.of();
    private volatile Instant readAt = Instant.MIN;

    public DatabaseMeters(OperationsRepository operations, LedgerRepository ledger, Clock clock) {
        this.operations = operations;
        this.ledger = ledger;
        this.clock = clock;
    }

    public void bindTo(MeterRegistry registry) {
        for (String s : JOB_STATUSES) {
            gauge(registry, "serveragent.jobs", "job:" + s, "Reactive jobs in this status", "status", s);
        }
        for (String s : DEPLOY_STATUSES) {
            gauge(registry, "serveragent.deployments", "deploy:" + s, "Deployments that ended (or are) in this status", "status", s);
        }
        for (String scope : SCOPES) {
            for (String p : PROVIDERS) {
                Gauge.builder("serveragent.tokens.today", this, m -> m.value("tokens:" + scope + ":" + p))
                        .description("Tokens recorded in the ledger today (UTC)").tags("scope", scope, "provider", p)
                        .strongReference(true).register(registry);
            }
        }
    }

    private void gauge(MeterRegistry registry, String name, String key, String description, String tag, String value) {
        // strongly held: nothing else keeps this object alive once the composition root is built
        Gauge.builder(name, this, m -> m.value(key)).description(description).tags(tag, value).strongReference(true).register(registry);
    }

    private double value(String key) {
        refreshIfOld();
        return values.getOrDefault(key, 0.0);
    }

    private synchronized void refreshIfOld() {
        Instant now = clock.instant();
        if (Duration.between(readAt, now).compareTo(MAX_AGE) < 0 && !readAt.isAfter(now)) {
            return;
        }
        readAt = now;
        try {
            Map<String, Double> v = new HashMap<>();
            operations.jobsByStatus(JOB_STATUSES).forEach((s, n) -> v.put("job:" + s, n.doubleValue()));
            operations.deploymentsByStatus().forEach((s, n) -> v.put("deploy:" + s, n.doubleValue()));
            for (LedgerRepository.DayUsage u : ledger.daily(UtcDay.startOf(now), UtcDay.nextMidnight(now))) {
                v.merge("tokens:" + u.scope() + ":" + u.provider(), (double) u.tokensTotal(), Double::sum);
            }
            values = v;
        } catch (RuntimeException e) {
            log.warn("Database meters not refreshed (the last values stay): {}", e.toString());
        }
    }
}
