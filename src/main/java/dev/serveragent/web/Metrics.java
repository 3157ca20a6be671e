package dev.serveragent.web;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The Prometheus registry with JVM and process meters bound. Pool meters are bound by the store. */
public final class Metrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private volatile JvmGcMetrics gc; // set by the binding, which close() awaits
    private final java.util.concurrent.CompletableFuture<Void> jvmMeters;

    /** Timers published as Prometheus histograms ({@code _bucket} series) rather than count/sum/max only. */
    static final java.util.Set<String> HISTOGRAMS = java.util.Set.of("telegram.webhook");

    public Metrics() {
        registry.config().meterFilter(new io.micrometer.core.instrument.config.MeterFilter() {
            @Override
            public io.micrometer.core.instrument.distribution.DistributionStatisticConfig configure(
                    io.micrometer.core.instrument.Meter.Id id, io.micrometer.core.instrument.distribution.DistributionStatisticConfig config) {
                return HISTOGRAMS.contains(id.getName())
                        ? io.micrometer.core.instrument.distribution.DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
                        : config;
            }
        });
        // The JVM and process meters start the platform's management beans, a tenth of the start-up's
        // CPU: bound beside the start instead of before it; a scrape waits for them, so none is missing.
        jvmMeters = java.util.concurrent.CompletableFuture.runAsync(this::bindJvmMeters,
                task -> Thread.ofPlatform().daemon().name("jvm-meters").start(task));
    }

    private void bindJvmMeters() {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition format. */
    public String scrape() {
        jvmMeters.join();
        return registry.scrape();
    }

    @Override
    public void close() {
        jvmMeters.exceptionally(e -> null).join(); // then nothing binds after the close
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }
}
