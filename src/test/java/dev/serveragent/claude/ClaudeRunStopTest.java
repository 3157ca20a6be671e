package dev.serveragent.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.claude.ClaudeResult.Failed;
import dev.serveragent.claude.ClaudeResult.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Timeout, cancel and the token ceiling: each stops the run and leaves no process of it behind. */
class ClaudeRunStopTest {
    @TempDir
    Path dir;
    RunnerFixture f;

    @BeforeEach
    void setUp() {
        f = new RunnerFixture(dir);
    }

    @Test
    void a_hanging_run_times_out_and_its_child_grandchild_and_great_grandchild_are_gone() throws Exception {
        ClaudeCodeRunner runner = f.runner("hang");
        ClaudeRequest request = ClaudeRequest.of("hi", "", ClaudeRequest.Mode.COMMAND, Duration.ofSeconds(3)).withOnEvent(f.events::add);

        ClaudeRun run = runner.start(request);
        List<Long> pids = awaitTree();
        assertThat(pids).allSatisfy(pid -> assertThat(running(pid)).as("pid %d before the timeout", pid).isTrue());
        ClaudeResult r = run.await(Duration.ofSeconds(20)).orElseThrow();

        assertThat(r).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.kind()).isEqualTo(Kind.TIMEOUT);
            assertThat(failed.message()).contains("did not finish within 3.0 s");
            assertThat(failed.sessionId()).isPresent();
            assertThat(failed.usage()).isEqualTo(new Usage(1000, 1, 200, 3000));
        });
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(pids).allSatisfy(pid -> assertThat(running(pid)).as("pid %d after the timeout", pid).isFalse()));
    }

    @Test
    void an_orphaned_background_process_of_the_run_is_killed_through_its_process_group() throws Exception {
        ClaudeCodeRunner runner = f.runner("hang-with-orphan");
        ClaudeRun run = runner.start(ClaudeRequest.of("hi", "", ClaudeRequest.Mode.COMMAND, Duration.ofSeconds(2)));
        // The pid's file may exist a moment before the pid is in it.
        await().atMost(Duration.ofSeconds(10)).until(() -> !f.fake.runs().isEmpty()
                && Files.exists(f.fake.lastRun().dir().resolve("orphan.pid"))
                && !Files.readString(f.fake.lastRun().dir().resolve("orphan.pid")).isBlank());
        long orphan = Long.parseLong(Files.readString(f.fake.lastRun().dir().resolve("orphan.pid")).strip());
        long child = f.fake.lastRun().pid();
        assertThat(running(orphan)).isTrue();
        assertThat(ProcessHandle.of(child).orElseThrow().descendants().map(ProcessHandle::pid)).doesNotContain(orphan);

        assertThat(run.await(Duration.ofSeconds(20)).orElseThrow())
                .isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.kind()).isEqualTo(Kind.TIMEOUT));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(running(child)).isFalse();
            assertThat(running(orphan)).isFalse();
        });
    }

    @Test
    void cancel_kills_the_whole_tree_and_is_idempotent() throws Exception {
        ClaudeCodeRunner runner = f.runner("hang");
        ClaudeRun run = runner.start(f.request(runner, "hi", ClaudeRequest.Mode.COMMAND));
        List<Long> pids = awaitTree();

        assertThat(run.await(Duration.ofMillis(200))).isEmpty();
        run.cancel();
        run.cancel();
        ClaudeResult r = run.await(Duration.ofSeconds(20)).orElseThrow();

        assertThat(r).isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.kind()).isEqualTo(Kind.CANCELED));
        assertThat(run.await()).isSameAs(r);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(pids).allSatisfy(pid -> assertThat(running(pid)).as("pid %d after cancel", pid).isFalse()));
        run.cancel();
        assertThat(run.await()).isSameAs(r);
    }

    @Test
    void closing_the_runner_cancels_running_runs_kills_their_trees_and_refuses_new_ones() throws Exception {
        ClaudeCodeRunner runner = f.runner("hang");
        ClaudeRun run = runner.start(f.request(runner, "hi", ClaudeRequest.Mode.COMMAND));
        List<Long> pids = awaitTree();
        assertThat(runner.activeRuns()).isEqualTo(1);

        runner.close();

        assertThat(run.await(Duration.ofSeconds(20)).orElseThrow())
                .isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.kind()).isEqualTo(Kind.CANCELED));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(runner.activeRuns()).isZero();
            assertThat(pids).allSatisfy(pid -> assertThat(running(pid)).isFalse());
        });
        assertThat(runner.start(f.request(runner, "again", ClaudeRequest.Mode.COMMAND)).await())
                .isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.message()).contains("shutting down"));
        assertThat(f.fake.runs()).hasSize(1);
    }

    @Test
    void crossing_the_token_ceiling_stops_the_run_and_reports_the_tokens_spent() throws Exception {
        ClaudeCodeRunner runner = f.runner("ceiling");
        ClaudeRun run = runner.start(f.request(runner, "work", ClaudeRequest.Mode.PROACTIVE).withTokenCeiling(10_000));

        ClaudeResult r = run.await(Duration.ofSeconds(15)).orElseThrow();

        assertThat(r).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.kind()).isEqualTo(Kind.CEILING);
            assertThat(failed.message()).contains("10000").contains("12603");
        });
        // three API messages of 4,201 tokens; msg_b1's second line is not counted again
        assertThat(r.usage()).isEqualTo(new Usage(3000, 3, 600, 9000));
        assertThat(r.usage().totalTokens()).isEqualTo(12_603);
        assertThat(f.events(ClaudeEvent.AssistantText.class)).extracting(ClaudeEvent.AssistantText::text)
                .containsExactly("Step one.", "Step two.", "Step three.");
        assertThat(running(f.fake.lastRun().pid())).isFalse();
    }

    @Test
    void a_ceiling_that_is_not_crossed_lets_the_run_complete() throws Exception {
        ClaudeCodeRunner runner = f.runner("success-tool-use");

        ClaudeResult r = runner.start(f.request(runner, "LIST", ClaudeRequest.Mode.PROACTIVE).withTokenCeiling(9_000)).await();

        assertThat(r).isInstanceOf(ClaudeResult.Completed.class);
        assertThat(r.usage().totalTokens()).isEqualTo(8_500);
    }

    /** Child, grandchild and great-grandchild pids, once the hang scenario has written them. */
    private List<Long> awaitTree() {
        // Each pid is read from its own file as the scenario writes it: wait for all three (the
        // great-grandchild's was once there before the grandchild's, under load).
        await().atMost(Duration.ofSeconds(10)).until(() -> !f.fake.runs().isEmpty()
                && f.fake.lastRun().grandchildPid().isPresent()
                && f.fake.lastRun().greatGrandchildPid().isPresent() && !f.events.isEmpty());
        FakeClaude.Run run = f.fake.lastRun();
        return List.of(run.pid(), run.grandchildPid().orElseThrow(), run.greatGrandchildPid().orElseThrow());
    }

    /** Alive and not a zombie (a killed orphan may linger as one until a reaper collects it). */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
