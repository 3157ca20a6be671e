package dev.serveragent.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.config.HttpConfig;
import dev.serveragent.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A stop lets a request in flight finish, and does not wait for kept-alive connections that have
 * no request: Jetty's default waited a whole second for those at every stop (and every swap).
 */
class HttpServerStopTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    @AutoClose
    static final Metrics metrics = new Metrics();

    private static final CountDownLatch slowStarted = new CountDownLatch(1);
    private static final CountDownLatch slowMayEnd = new CountDownLatch(1);

    private static HttpServer start() {
        HttpConfig config = new HttpConfig("127.0.0.1", 0, Optional.empty(), HttpConfig.DEFAULT_BODY_DEADLINE, HttpConfig.DEFAULT_IDLE_TIMEOUT);
        HttpServer server = new HttpServer(config, db.database(), metrics, List.of(routes -> {
            routes.get("/fast", ctx -> ctx.result("fast"));
            routes.get("/slow", ctx -> {
                slowStarted.countDown();
                slowMayEnd.await(10, TimeUnit.SECONDS);
                ctx.result("slow done");
            });
        }));
        server.start();
        return server;
    }

    @Test
    void a_stop_does_not_wait_for_idle_kept_alive_connections() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < 3; i++) { // kept alive afterwards, with nothing in flight
            assertThat(client.send(get(server, "/fast"), HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("fast");
        }
        long t0 = System.nanoTime();
        server.stop();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(900)); // Jetty's default alone is 1,000 ms
    }

    @Test
    void a_stop_lets_a_request_in_flight_finish() throws Exception {
        HttpServer server = start();
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> slow = client.sendAsync(get(server, "/slow"), HttpResponse.BodyHandlers.ofString());
        assertThat(slowStarted.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);
        // The request stays in flight well past the shutdown idle timeout, and the stop waits for it.
        assertThatThrownBy(() -> stopped.get(HttpServer.SHUTDOWN_IDLE_TIMEOUT_MS * 3, TimeUnit.MILLISECONDS))
                .isInstanceOf(TimeoutException.class);
        slowMayEnd.countDown();
        HttpResponse<String> answer = slow.get(10, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("slow done");
        stopped.get(10, TimeUnit.SECONDS);
    }

    private static HttpRequest get(HttpServer server, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build();
    }
}
