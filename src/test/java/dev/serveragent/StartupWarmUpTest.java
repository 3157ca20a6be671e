package dev.serveragent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.parallel.Isolated("counts the JVM's threads: no other test may start any meanwhile")
class StartupWarmUpTest {
    @Test
    void every_step_runs_and_leaves_no_thread_that_keeps_the_process_alive() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        int ok = StartupWarmUp.run();

        assertThat(ok).as("steps that ran without an error").isEqualTo(StartupWarmUp.STEPS.size());
        Set<String> started = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon())
                .map(Thread::getName).collect(Collectors.toSet());
        assertThat(started).as("non-daemon threads left by the warm-up").isEmpty();
    }

    @Test
    void a_step_that_fails_is_skipped_not_thrown() {
        var failing = new StartupWarmUp.Step("broken", () -> {
            throw new IllegalStateException("no such library");
        });
        assertThat(StartupWarmUp.runSteps(java.util.List.of(failing, StartupWarmUp.STEPS.get(0)))).isEqualTo(1);
    }
}
