package dev.serveragent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.serveragent.runtime.Loop.Next;
import dev.serveragent.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The loop on its own: passes driven by a settable clock, woken, awaited idle, backing off after
 * errors and stopped during a pass. Waits are for events (with a bound), never for time to pass:
 * every wait a loop chooses here is an hour, so only a wake can end it.
 */
class LoopTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration BOUND = Duration.ofSeconds(10);

    /** Work items due at an instant of the test clock; one pass does every due one. */
    private static final class DueWork implements Loop.Pass {
        final TestClock clock;
        final PriorityQueue<Instant> due = new PriorityQueue<>();
        final List<Instant> done = new ArrayList<>();
        final AtomicInteger passes = new AtomicInteger();

        DueWork(TestClock clock) {
            this.clock = clock;
        }

        synchronized void add(Instant at) {
            due.add(at);
        }

        synchronized List<Instant> done() {
            return List.copyOf(done);
        }

        @Override
        public synchronized Next runOnce() {
            passes.incrementAndGet();
            int n = 0;
            while (!due.isEmpty() && !due.peek().isAfter(clock.instant())) {
                done.add(due.poll());
                n++;
            }
            // The wait is until the next item is due, at most an hour: dynamic, from the pass.
            Duration wait = due.isEmpty() ? HOUR : Duration.between(clock.instant(), due.peek());
            return n > 0 ? Next.worked(wait) : Next.idle(wait);
        }
    }

    @Test
    void run_once_does_what_is_due_at_the_clock_and_says_whether_it_did_something() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        DueWork work = new DueWork(clock);
        Loop loop = Loop.named("test-loop", work).build();
        work.add(clock.instant());
        work.add(clock.instant().plusSeconds(30));

        Next first = loop.runOnce();
        assertThat(first.worked()).isTrue();
        assertThat(first.delay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(loop.runOnce().worked()).isFalse();

        clock.advance(Duration.ofSeconds(30));
        assertThat(loop.runOnce().worked()).isTrue();
        Next idle = loop.runOnce();
        assertThat(idle.worked()).isFalse();
        assertThat(idle.delay()).isEqualTo(HOUR);
        assertThat(work.done()).hasSize(2);
    }

    @Test
    void await_idle_returns_once_everything_due_at_the_clock_is_done() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
        DueWork work = new DueWork(clock);
        Loop loop = Loop.named("test-loop", work).build();
        loop.start();
        try {
            assertThat(loop.awaitIdle(BOUND)).isTrue();
            for (int i = 0; i < 5; i++) {
                work.add(clock.instant().plusSeconds(10L * i));
            }
            assertThat(loop.awaitIdle(BOUND)).isTrue();
            assertThat(work.done()).hasSize(1); // only the first was due

            clock.advance(Duration.ofSeconds(25));
            assertThat(loop.awaitIdle(BOUND)).isTrue();
            assertThat(work.done()).hasSize(3);

            clock.advance(HOUR);
            assertThat(loop.awaitIdle(BOUND)).isTrue();
            assertThat(work.done()).hasSize(5);
        } finally {
            loop.stop();
        }
        assertThat(loop.awaitIdle(BOUND)).as("a stopped loop is never idle").isFalse();
    }

    @Test
    void wake_cuts_the_wait_short() throws Exception {
        LinkedBlockingQueue<Integer> passes = new LinkedBlockingQueue<>();
        AtomicInteger n = new AtomicInteger();
        Loop loop = Loop.named("test-loop", () -> {
            passes.add(n.incrementAndGet());
            return Next.idle(HOUR);
        }).build();
        loop.start();
        try {
            assertThat(passes.poll(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
            await().atMost(BOUND).until(() -> loop.lastWait().equals(HOUR)); // now waiting its hour
            loop.wake();
            assertThat(passes.poll(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(2);
            loop.wake();
            assertThat(passes.poll(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3);
        } finally {
            loop.stop();
        }
    }

    @Test
    void a_pass_with_work_in_flight_is_not_idle() throws Exception {
        // A pass with work in flight elsewhere (a job on its own thread) is not idle: awaitIdle
        // waits for the pass after the work ended (woken by it, not by polling).
        AtomicInteger inFlight = new AtomicInteger(1);
        Loop loop = Loop.named("test-loop", () -> inFlight.get() > 0 ? Next.inFlight(HOUR) : Next.idle(HOUR)).build();
        loop.start();
        try {
            assertThat(loop.awaitIdle(Duration.ofMillis(200))).isFalse();
            inFlight.set(0);
            loop.wake(); // as a finished job does
            assertThat(loop.awaitIdle(BOUND)).isTrue();
        } finally {
            loop.stop();
        }
    }

    @Test
    void a_failing_pass_is_retried_after_a_doubling_back_off_reset_by_success() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        LinkedBlockingQueue<Duration> waitsSeen = new LinkedBlockingQueue<>();
        Loop[] self = new Loop[1];
        self[0] = Loop.named("test-loop", () -> {
            waitsSeen.add(self[0].lastWait()); // the wait chosen after the previous pass
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("database away");
            }
            return Next.idle(Duration.ofMinutes(1));
        }).onError(HOUR, Duration.ofHours(3)).build();
        Loop loop = self[0];
        loop.start();
        try {
            List<Duration> seen = new ArrayList<>();
            seen.add(waitsSeen.poll(BOUND.toSeconds(), TimeUnit.SECONDS));
            for (int i = 0; i < 4; i++) {
                loop.wake(); // an error's back-off is cut short by a wake too
                seen.add(waitsSeen.poll(BOUND.toSeconds(), TimeUnit.SECONDS));
            }
            // first pass; after failure 1: 1 h; 2: 2 h; 3: 3 h (the cap); after a success: the pass's own wait
            assertThat(seen).containsExactly(Duration.ZERO, HOUR, Duration.ofHours(2), Duration.ofHours(3), Duration.ofMinutes(1));
            assertThat(loop.awaitIdle(BOUND)).isTrue();
        } finally {
            loop.stop();
        }
    }

    @Test
    void stop_lets_the_pass_in_progress_finish_and_runs_no_other() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger passes = new AtomicInteger();
        AtomicBoolean finished = new AtomicBoolean();
        AtomicBoolean sawStopping = new AtomicBoolean();
        Loop[] self = new Loop[1];
        self[0] = Loop.named("test-loop", () -> {
            passes.incrementAndGet();
            entered.countDown();
            release.await();
            sawStopping.set(self[0].stopping());
            finished.set(true);
            return Next.again(); // would run at once again, were it not stopping
        }).build();
        Loop loop = self[0];
        loop.start();
        assertThat(entered.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();

        Thread stopper = Thread.ofVirtual().start(loop::stop);
        await().atMost(BOUND).until(loop::stopping);
        assertThat(stopper.isAlive()).as("stop waits for the pass in progress").isTrue();
        assertThat(finished).isFalse();

        release.countDown();
        assertThat(stopper.join(BOUND)).isTrue();
        assertThat(finished).isTrue();
        assertThat(sawStopping).as("the pass can see the loop is stopping").isTrue();
        assertThat(passes).hasValue(1);
        assertThat(loop.running()).isFalse();
        loop.stop(); // idempotent
    }

    @Test
    void start_and_stop_are_idempotent_and_a_loop_starts_again() throws Exception {
        AtomicInteger passes = new AtomicInteger();
        Loop loop = Loop.named("test-loop", () -> {
            passes.incrementAndGet();
            return Next.idle(HOUR);
        }).build();
        loop.start();
        loop.start();
        assertThat(loop.awaitIdle(BOUND)).isTrue();
        loop.stop();
        loop.stop();
        int before = passes.get();
        loop.start();
        assertThat(loop.awaitIdle(BOUND)).isTrue();
        assertThat(passes.get()).isGreaterThan(before);
        loop.stop();
    }

    @Test
    void a_back_off_must_be_positive_and_ordered() {
        assertThatThrownBy(() -> Loop.named("x", () -> Next.again()).onError(Duration.ZERO, HOUR))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Loop.named("x", () -> Next.again()).onError(HOUR, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
