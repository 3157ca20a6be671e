package dev.serveragent.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.TcpProxy;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthEndpointsTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();

    @TempDir
    Path dataDir;

    @Test
    void healthz_readyz_and_metrics_answer() {
        try (TestApp app = TestApp.start(db, dataDir, Map.of(), Clock.systemUTC())) {
            assertThat(app.get("/healthz").statusCode()).isEqualTo(200);
            var ready = app.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("ready");
            var metrics = app.get("/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
            assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("hikaricp_connections");
        }
    }

    @Test
    void readyz_turns_503_while_the_database_is_away_and_200_when_it_is_back() throws Exception {
        URI server = URI.create(db.url().jdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(server.getHost(), server.getPort())) {
            String viaProxy = db.databaseUrlEnv().replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
            try (TestApp app = TestApp.start(viaProxy, dataDir, Map.of(), Clock.systemUTC())) {
                assertThat(app.get("/readyz").statusCode()).isEqualTo(200);

                proxy.cut();
                var down = app.get("/readyz");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(down.body()).contains("database unreachable");
                assertThat(app.get("/healthz").statusCode()).as("the process itself is still up").isEqualTo(200);

                proxy.restore();
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                        .until(() -> app.get("/readyz").statusCode() == 200);
            }
        }
    }
}
