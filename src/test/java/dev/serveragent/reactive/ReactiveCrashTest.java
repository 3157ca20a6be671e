package dev.serveragent.reactive;

import dev.serveragent.testing.AgentHarness;

import static dev.serveragent.testing.AgentHarness.MASTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.Main;
import dev.serveragent.claude.FakeClaude;
import dev.serveragent.testing.FakeAnthropic;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica killed with SIGKILL in the middle of a command: after a restart the job is settled and the Master told. */
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

            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName())
                    .directory(dataDir.toFile()).redirectErrorStream(true).redirectOutput(dataDir.resolve("first.log").toFile());
            pb.environment().keySet().removeIf(k -> !List.of("PATH", "HOME", "LANG").contains(k));
            pb.environment().putAll(env);
            pb.environment().put("DATABASE_URL", db.databaseUrlEnv());
            pb.environment().put("DATA_DIR", dataDir.toString());
            pb.environment().put("PORT", Integer.toString(port));
            pb.environment().put("BIND_HOST", "127.0.0.1");
            Process first = pb.start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
                var posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + TelegramFixtures.WEBHOOK))
                        .header("X-Telegram-Bot-Api-Secret-Token", TelegramFixtures.SECRET)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(TelegramFixtures.text(77, MASTER, 1, "migrate the database")))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(posted.statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> !claude.runs().isEmpty());
            } finally {
                first.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no cleanup
                claude.runs().forEach(r -> {
                    ProcessHandle.of(r.pid()).ifPresent(ProcessHandle::destroyForcibly);
                    r.grandchildPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
                    r.greatGrandchildPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
                });
            }
            String beforeRestart = db.jdbi().withHandle(h -> h.createQuery("select status from reactive_jobs").mapTo(String.class).one());
            assertThat(beforeRestart).isEqualTo("running");
            int sentBefore = telegram.calls("sendMessage").size();

            env.put("DATA_DIR", dataDir.toString());
            try (TestApp second = TestApp.start(db, dataDir, env, Clock.systemUTC())) {
                await().atMost(Duration.ofSeconds(40)).until(() -> telegram.calls("sendMessage").stream()
                        .anyMatch(c -> c.param("text").startsWith("A command was interrupted by a restart")));
                String status = db.jdbi().withHandle(h -> h.createQuery("select status from reactive_jobs").mapTo(String.class).one());
                assertThat(status).isEqualTo("failed");
            }
            assertThat(claude.runs()).as("the command was not run a second time").hasSize(1);
            assertThat(telegram.calls("sendMessage").size()).isGreaterThan(sentBefore);
        }
    }
}
