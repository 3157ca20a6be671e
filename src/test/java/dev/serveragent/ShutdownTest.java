package dev.serveragent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.AppProcess;
import dev.serveragent.testing.Locks;
import dev.serveragent.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** The real process: started as an operator would, stopped with SIGTERM. */
@ResourceLock(Locks.CHILD_JVMS)
class ShutdownTest {
    @TempDir
    Path dir;

    @Test
    void sigterm_stops_gracefully_with_exit_code_0() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            int port = dev.serveragent.testing.FreePorts.next();
            ProcessBuilder pb = new ProcessBuilder(AppProcess.command(Main.class.getName()))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out.log").toFile());
            pb.environment().keySet().removeIf(k -> !List.of("PATH", "HOME", "LANG").contains(k));
            pb.environment().put("DATABASE_URL", db.databaseUrlEnv());
            pb.environment().put("PORT", Integer.toString(port));
            pb.environment().put("BIND_HOST", "127.0.0.1");
            Process p = pb.start();
            try {
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).build();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                        .until(() -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);

                String consoleLine = "Console: http://localhost:" + port + "/console";
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(dir.resolve("out.log")).contains(consoleLine));

                p.destroy(); // SIGTERM
                assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
                String log = Files.readString(dir.resolve("out.log"));
                assertThat(p.exitValue()).as(log).isZero();
                assertThat(log).contains("Shutting down").contains("server-agent stopped");
                // The start-up log ends by naming the console.
                List<String> lines = log.lines().toList();
                int shutdown = lines.indexOf(lines.stream().filter(l -> l.contains("Shutting down")).findFirst().orElseThrow());
                assertThat(lines.get(shutdown - 1)).endsWith(consoleLine);
            } finally {
                p.destroyForcibly();
            }
        }
    }

}
