package dev.serveragent.reactive;

import static dev.serveragent.testing.AgentHarness.MASTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.claude.FakeClaude;
import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.AppProcess;
import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.Locks;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** A replica killed with SIGKILL in the middle of a command: after a restart the job is settled and the Master told. */
@ExtendWith(AppProcess.LogsOnFailure.class)
@ResourceLock(Locks.CHILD_JVMS)
class ReactiveCrashTest {
    @TempDir
    Path dataDir;

    @Test
    void a_command_interrupted_by_sigkill_is_failed_and_reported_after_restart_not_run_twice() throws Exception {
        Path workdir = dataDir.resolve("workspace");
        FakeClaude claude = FakeClaude.useInWorkdir(workdir, "hang");
        try (TestDatabase db = TestDatabase.create();
                FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
                FakeAnthropic anthropic = FakeAnthropic.start()) {
            anthropic.respond(200, AgentHarness.classification("command", false));
            Map<String, String> env = AgentHarness.env(telegram, anthropic, workdir);
            env.put("REACTIVE_LEASE_SECONDS", "5");

            try (AppProcess app = AppProcess.start("app", db, dataDir, env)) {
                try {
                    assertThat(app.postUpdate(TelegramFixtures.text(77, MASTER, 1, "migrate the database")).statusCode()).isEqualTo(200);
                    await().atMost(Duration.ofSeconds(30)).until(() -> !claude.runs().isEmpty());
                } finally {
                    app.kill();
                    claude.runs().forEach(ReactiveCrashTest::killTree); // SIGKILL leaves the CLI's tree behind
                }
                String beforeRestart = db.jdbi().withHandle(h -> h.createQuery("select status from reactive_jobs").mapTo(String.class).one());
                assertThat(beforeRestart).isEqualTo("running");
                int sentBefore = telegram.calls("sendMessage").size();

                app.restart();
                await().atMost(Duration.ofSeconds(40)).until(() -> telegram.calls("sendMessage").stream()
                        .anyMatch(c -> c.param("text").startsWith("A command was interrupted by a restart")));
                String status = db.jdbi().withHandle(h -> h.createQuery("select status from reactive_jobs").mapTo(String.class).one());
                assertThat(status).isEqualTo("failed");
                assertThat(telegram.calls("sendMessage").size()).isGreaterThan(sentBefore);
            }
            assertThat(claude.runs()).as("the command was not run a second time").hasSize(1);
        }
    }

    private static void killTree(FakeClaude.Run r) {
        ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly);
        r.grandchildPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
        r.greatGrandchildPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }
}
