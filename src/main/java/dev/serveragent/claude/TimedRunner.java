package dev.serveragent.claude;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ClaudeRunner} that records each run's wall-clock time, from start to result, in the
 * {@code claude.run} timer (histogram), tagged with the run's mode and how it ended
 * ({@code completed} or the failure kind). Thread-safe.
 */
public final class TimedRunner implements ClaudeRunner {
    public static final String METER = "claude.run";

    private final ClaudeRunner delegate;
    private final MeterRegistry metrics;

    public TimedRunner(ClaudeRunner delegate, MeterRegistry metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public ClaudeRun start(ClaudeRequest request) {
        long started = System.nanoTime();
        ClaudeRun run = delegate.start(request);
        AtomicBoolean recorded = new AtomicBoolean();
        String mode = request.mode().name().toLowerCase(Locale.ROOT);
        return new ClaudeRun() {
            @Override
            public ClaudeResult await() throws InterruptedException {
                return record(run.await());
            }

            @Override
            public Optional<ClaudeResult> await(Duration timeout) throws InterruptedException {
                return run.await(timeout).map(this::record);
            }

            @Override
            public void cancel() {
                run.cancel();
            }

            private ClaudeResult record(ClaudeResult r) {
                if (recorded.compareAndSet(false, true)) { // several awaits see one run
                    String result = r instanceof ClaudeResult.Failed f ? f.kind().name().toLowerCase(Locale.ROOT) : "completed";
                    Timer.builder(METER).tag("mode", mode).tag("result", result).publishPercentileHistogram()
                            .register(metrics).record(Duration.ofNanos(System.nanoTime() - started));
                }
                return r;
            }
        };
    }
}
