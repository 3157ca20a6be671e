package dev.serveragent.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one loop of every background component: a named thread that runs passes of due work
 * ({@link Pass#runOnce()}), each saying whether it did something and how long to wait before the
 * next one ({@link Next}). {@link #wake()} cuts the wait short when work arrives (a
 * {@code NOTIFY}, a row stored in this process); a pass that throws is logged and the next one
 * waits an error back-off that doubles from {@link Builder#onError} up to its maximum, reset by the
 * next pass that does not throw.
 *
 * <p>{@link #stop()} lets the pass in progress finish (bounded by {@link Builder#stopGrace}, then
 * interrupted); a pass may look at {@link #stopping()} to end a batch early. Tests drive a loop
 * without waiting on wall time: they move their clock and call {@link #awaitIdle}, which wakes the
 * loop and returns once a pass that began after the call found nothing to do, or call
 * {@link #runOnce()} themselves on a loop that is not started. Thread-safe.
 */
public final class Loop implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(Loop.class);

    /** One pass of due work. */
    @FunctionalInterface
    public interface Pass {
        Next runOnce() throws InterruptedException;
    }

    /**
     * What a pass did and how long the loop waits ({@code delay}) before the next pass unless woken
     * ({@link Duration#ZERO}: at once). {@code worked}: it claimed, sent or changed something, so
     * more may be due; {@code inFlight}: it did nothing itself but work it started is still going
     * (a job on its own thread), which wakes the loop when it ends. A pass with neither is idle.
     */
    public record Next(boolean worked, boolean inFlight, Duration delay) {
        public Next {
            Objects.requireNonNull(delay);
            if (delay.isNegative()) {
                delay = Duration.ZERO;
            }
        }

        /** Did something, and there may be more: the next pass at once. */
        public static Next again() {
            return new Next(true, false, Duration.ZERO);
        }

        /** Did something; the next pass after {@code delay} unless woken. */
        public static Next worked(Duration delay) {
            return new Next(true, false, delay);
        }

        /** Did nothing now, but work it started earlier is still going and wakes the loop when it ends. */
        public static Next inFlight(Duration delay) {
            return new Next(false, true, delay);
        }

        /** Found nothing to do; the next pass after {@code delay} unless woken. */
        public static Next idle(Duration delay) {
            return new Next(false, false, delay);
        }

        public boolean idle() {
            return !worked && !inFlight;
        }
    }

    /** Starts a loop's description: its thread's name and its pass. */
    public static Builder named(String name, Pass pass) {
        return new Builder(name, pass);
    }

    public static final class Builder {
        private final String name;
        private final Pass pass;
        private boolean platform;
        private Duration errorFirst = Duration.ofSeconds(1);
        private Duration errorMax = Duration.ofSeconds(30);
        private String what;
        private Runnable onEnd = () -> {};
        private Duration stopGrace = Lifecycle.STOP_GRACE;

        private Builder(String name, Pass pass) {
            this.name = Objects.requireNonNull(name);
            this.pass = Objects.requireNonNull(pass);
            this.what = name;
        }

        /** On a daemon platform thread rather than a virtual one (a pass that blocks in native code). */
        public Builder platformThread() {
            this.platform = true;
            return this;
        }

        /** The wait after a pass that threw, doubling up to {@code max} while passes keep throwing. */
        public Builder onError(Duration first, Duration max) {
            if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("error back-off " + first + " up to " + max);
            }
            this.errorFirst = first;
            this.errorMax = max;
            return this;
        }

        /** What the log calls this loop's work when a pass fails ("Claiming reactive jobs"); the name by default. */
        public Builder describedAs(String what) {
            this.what = Objects.requireNonNull(what);
            return this;
        }

        /** How long {@link #stop()} lets a pass in progress finish before interrupting it ({@link Lifecycle#STOP_GRACE} by default). */
        public Builder stopGrace(Duration grace) {
            this.stopGrace = Objects.requireNonNull(grace);
            return this;
        }

        /** Run on the loop's thread when it ends (gives up what the passes held: a leader lock). */
        public Builder onEnd(Runnable onEnd) {
            this.onEnd = Objects.requireNonNull(onEnd);
            return this;
        }

        public Loop build() {
            return new Loop(this);
        }
    }

    private final String name;
    private final Pass pass;
    private final boolean platform;
    private final Duration errorFirst;
    private final Duration errorMax;
    private final String what;
    private final Runnable onEnd;
    private final Duration stopGrace;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock:
    private boolean wakePending;
    private long passesBegun;
    private long lastIdlePass = -1;
    private int idleWaiters;
    private boolean running;
    private Thread thread;
    private long generation; // a thread that outlived its stop's bound never resumes after a restart

    private volatile boolean stopping;
    private volatile Duration lastWait = Duration.ZERO;
    private volatile int failuresInARow;

    private Loop(Builder b) {
        this.name = b.name;
        this.pass = b.pass;
        this.platform = b.platform;
        this.errorFirst = b.errorFirst;
        this.errorMax = b.errorMax;
        this.what = b.what;
        this.onEnd = b.onEnd;
        this.stopGrace = b.stopGrace;
    }

    public String name() {
        return name;
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (running) {
                return;
            }
            running = true;
            stopping = false;
            failuresInARow = 0;
            Thread.Builder tb = platform ? Thread.ofPlatform().daemon() : Thread.ofVirtual();
            long mine = ++generation;
            thread = tb.name(name).unstarted(() -> run(mine));
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    /** Lets the pass in progress finish (bounded by {@link Builder#stopGrace}, then interrupted) and ends the thread. */
    @Override
    public void stop() {
        stopAll(java.util.List.of(this));
    }

    /**
     * Tells the loop to stop, runs {@code cutShort} (what ends a pass blocked on the outside: a
     * long poll's call cancelled, a run in flight cancelled), then waits as {@link #stop()} does.
     */
    public void stop(Runnable cutShort) {
        Thread t = tellStop();
        cutShort.run();
        if (t != null && t != Thread.currentThread()) {
            awaitEnd(t, stopGrace);
        }
    }

    /** Stops several loops at once: all are told first, then each is awaited (the passes end in parallel). */
    public static void stopAll(java.util.Collection<Loop> loops) {
        java.util.Map<Thread, Duration> ending = new java.util.LinkedHashMap<>();
        for (Loop l : loops) {
            Thread t = l.tellStop();
            if (t != null && t != Thread.currentThread()) {
                ending.put(t, l.stopGrace);
            }
        }
        ending.forEach(Loop::awaitEnd);
    }

    /** As {@link Lifecycle#awaitEnd}, with this loop's grace: joined, interrupted only past it. */
    private static void awaitEnd(Thread thread, Duration grace) {
        try {
            if (!thread.join(grace)) {
                thread.interrupt();
                thread.join(AFTER_INTERRUPT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread tellStop() {
        lock.lock();
        try {
            if (!running) {
                return null;
            }
            running = false;
            stopping = true;
            Thread t = thread;
            thread = null;
            changed.signalAll();
            return t;
        } finally {
            lock.unlock();
        }
    }

    /** True once {@link #stop()} was called: a long pass may end its batch early. */
    public boolean stopping() {
        return stopping;
    }

    public boolean running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Work arrived: the next pass begins now (or right after the one in progress). */
    public void wake() {
        lock.lock();
        try {
            wakePending = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * One pass on the caller's thread (tests, or a caller that wants what is due done now); an
     * exception is the caller's. Not to be mixed with a started loop's passes by components whose
     * pass is not safe to run twice at once.
     */
    public Next runOnce() throws InterruptedException {
        return pass.runOnce();
    }

    /**
     * Wakes the loop and waits until a pass that began after this call found nothing to do (and no
     * wake came since): everything due at the caller's clock has been done. False if that did not
     * happen within {@code timeout}, or the loop is not running.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            long after = passesBegun; // a pass in progress began before this call: it does not count
            wakePending = true;
            idleWaiters++; // meanwhile a pass that worked is followed by another at once
            changed.signalAll();
            try {
                while (running && !(lastIdlePass > after && !wakePending)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    changed.awaitNanos(left);
                }
                return running;
            } finally {
                idleWaiters--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The wait chosen after the latest pass (tests: the pace and the error back-off). */
    public Duration lastWait() {
        return lastWait;
    }

    private void run(long mine) {
        try {
            passes(mine);
        } finally {
            try {
                onEnd.run();
            } catch (RuntimeException e) {
                log.warn("{} could not end cleanly: {}", what, e.toString());
            }
        }
    }

    private void passes(long mine) {
        while (!stopping) {
            long number;
            lock.lock();
            try {
                if (mine != generation) {
                    return;
                }
                wakePending = false;
                number = ++passesBegun;
            } finally {
                lock.unlock();
            }
            Duration wait;
            boolean idle = false;
            boolean worked = false;
            try {
                Next next = pass.runOnce();
                failuresInARow = 0;
                idle = next.idle();
                worked = next.worked();
                wait = next.delay();
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
                Thread.interrupted(); // not ours to end on: stop() is the one way out
                wait = errorWait(e);
            } catch (RuntimeException e) {
                wait = errorWait(e);
            }
            lastWait = wait;
            lock.lock();
            try {
                if (idle) {
                    lastIdlePass = number;
                } else if (worked && idleWaiters > 0) {
                    wakePending = true; // someone awaits idle: look again now rather than after the delay
                }
                changed.signalAll();
                long left = wait.toNanos();
                while (!wakePending && !stopping && left > 0) {
                    left = changed.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                if (stopping) {
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private Duration errorWait(Throwable e) {
        int n = failuresInARow;
        failuresInARow = n + 1;
        Duration wait = errorFirst.multipliedBy(1L << Math.min(n, 20));
        if (wait.compareTo(errorMax) > 0) {
            wait = errorMax;
        }
        log.warn("{} failed (again in {} ms): {}", what, wait.toMillis(), e.toString());
        return wait;
    }
}
