package dev.serveragent.admin;

import dev.serveragent.store.OperationsRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code reactive.ack.latency} histogram: for each message the outbox has just recorded as
 * sent that is the first reply to its thread's latest job trigger (the acknowledgement, or a
 * command's answer), the time from the trigger's {@code stored_at} to the reply's {@code sent_at}
 * (for the console, where a message is delivered by being stored, its storing), tagged with the
 * thread's {@code channel} ({@code telegram}, {@code console}).
 * Never throws into the sender: a failed lookup only loses one observation.
 */
public final class AckLatency implements LongConsumer {
    private static final Logger log = LoggerFactory.getLogger(AckLatency.class);
    public static final String METER = "reactive.ack.latency";

    private final OperationsRepository repository;
    private final MeterRegistry metrics;

    public AckLatency(OperationsRepository repository, MeterRegistry metrics) {
        this.repository = repository;
        this.metrics = metrics;
    }

    private Timer timer(String channel) {
        return Timer.builder(METER).description("From a user message reaching the database to its acknowledgement being sent")
                .tag("channel", channel).publishPercentileHistogram().register(metrics);
    }

    @Override
    public void accept(long messageId) {
        try {
            repository.acknowledgement(messageId).ifPresent(a -> timer(a.platform()).record(Duration.between(a.triggerStoredAt(), a.sentAt())));
        } catch (RuntimeException e) {
            log.debug("No acknowledgement latency for message {}: {}", messageId, e.toString());
        }
    }
}
