package dev.serveragent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Where the suite's wall time goes: when each test class started and ended, in milliseconds from the
 * start of the run, written to {@code target/class-timeline.tsv} (class, start, end, seconds). With
 * classes in parallel, the sum of class times says little; this shows the lanes and the waits.
 */
public final class ClassTimeline implements TestExecutionListener {
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final StringBuilder lines = new StringBuilder("class\tstart_ms\tend_ms\tseconds\n");
    private long origin;

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        origin = System.nanoTime();
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        if (id.getSource().orElse(null) instanceof ClassSource c) {
            started.put(c.getClassName(), millis());
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.getSource().orElse(null) instanceof ClassSource c && started.containsKey(c.getClassName())) {
            long start = started.get(c.getClassName()), end = millis();
            synchronized (lines) {
                lines.append(c.getClassName()).append('\t').append(start).append('\t').append(end).append('\t')
                        .append(String.format(java.util.Locale.ROOT, "%.1f", (end - start) / 1000.0)).append('\n');
            }
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        try {
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                synchronized (lines) {
                    Files.writeString(target.resolve("class-timeline.tsv"), lines);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long millis() {
        return (System.nanoTime() - origin) / 1_000_000;
    }
}
