package dev.serveragent.proactive;

import dev.serveragent.testing.TestClock;
import dev.serveragent.budget.CostModel;
import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.ClaudeResult;
import dev.serveragent.claude.ClaudeRun;
import dev.serveragent.claude.ClaudeRunner;
import dev.serveragent.claude.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link ClaudeRunner} for scheduler tests: each run's turns come from a {@link CostModel} (or a
 * fixed script) and its final text from a supplier. It honours the token ceiling as the real
 * runner does: the run stops at the first turn after which the cumulative usage crosses the
 * ceiling and ends {@code Failed(CEILING)} with the usage really spent. With a {@link TestClock}
 * it moves the clock by the run's simulated duration. {@link #blockRuns()} makes runs wait until
 * cancelled (for cancel tests).
 */
final class ScriptedClaudeRunner implements ClaudeRunner {
    final List<ClaudeRequest> requests = new CopyOnWriteArrayList<>();
    final List<CostModel.PlannedRun> ran = new CopyOnWriteArrayList<>();
    private final Supplier<CostModel.PlannedRun> plans;
    private final Optional<TestClock> clock;
    private volatile Supplier<String> text = () -> ScriptedClaudeRunner.block("did a step", "");
    private volatile boolean block;

    ScriptedClaudeRunner(CostModel model, long seed, Optional<TestClock> clock) {
        Random random = new Random(seed);
        this.plans = () -> model.next(random);
        this.clock = clock;
    }

    ScriptedClaudeRunner(Supplier<CostModel.PlannedRun> plans, Optional<TestClock> clock) {
        this.plans = plans;
        this.clock = clock;
    }

    static ScriptedClaudeRunner fixed(long tokensPerTurn, int turns, Optional<TestClock> clock) {
        return new ScriptedClaudeRunner(() -> new CostModel.PlannedRun(java.util.Collections.nCopies(turns, tokensPerTurn)), clock);
    }

    ScriptedClaudeRunner answering(Supplier<String> finalText) {
        this.text = finalText;
        return this;
    }

    ScriptedClaudeRunner blockRuns() {
        this.block = true;
        return this;
    }

    /** A final answer ending with an outcome block; {@code extraFields} is JSON members after "summary" (with a leading comma). */
    static String block(String summary, String extraFields) {
        return "Done.\n\n```json\n{\"summary\": \"" + summary + "\"" + extraFields + "}\n```\n";
    }

    @Override
    public ClaudeRun start(ClaudeRequest request) {
        requests.add(request);
        CostModel.PlannedRun planned = plans.get();
        long ceiling = request.tokenCeiling().orElse(Long.MAX_VALUE);
        CostModel.PlannedRun done = planned.underCeiling(ceiling);
        ran.add(done);
        Usage usage = new Usage(done.total() * 9 / 10, done.total() - done.total() * 9 / 10, 0, 0);
        clock.ifPresent(c -> c.advance(done.duration()));
        ClaudeResult result = done.total() > ceiling
                ? new ClaudeResult.Failed(ClaudeResult.Kind.CEILING, "token ceiling of " + ceiling + " crossed", Optional.of("s"), usage)
                : new ClaudeResult.Completed(text.get(), Optional.of("s"), done.turns().size(), 0.0, usage);
        return block ? new BlockingRun(usage) : new DoneRun(result);
    }

    private record DoneRun(ClaudeResult result) implements ClaudeRun {
        public ClaudeResult await() {
            return result;
        }

        public Optional<ClaudeResult> await(Duration timeout) {
            return Optional.of(result);
        }

        public void cancel() {}
    }

    /** Runs until cancelled; then reports what it spent so far. */
    private static final class BlockingRun implements ClaudeRun {
        private final CountDownLatch cancelled = new CountDownLatch(1);
        private final Usage spent;

        BlockingRun(Usage spent) {
            this.spent = spent;
        }

        public ClaudeResult await() throws InterruptedException {
            cancelled.await();
            return failed();
        }

        public Optional<ClaudeResult> await(Duration timeout) throws InterruptedException {
            return cancelled.await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(failed()) : Optional.empty();
        }

        private ClaudeResult failed() {
            return new ClaudeResult.Failed(ClaudeResult.Kind.CANCELED, "canceled", Optional.of("s"), spent);
        }

        public void cancel() {
            cancelled.countDown();
        }
    }
}
