package dev.serveragent.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Slow clients under load (issue 18): bodies trickled a byte at a time from 500 connections must
 * not stall {@code /healthz} or the webhook, and the server must end them by itself. The rest of
 * the slow-client rules are in {@link SlowClientsTest}.
 */
@Isolated("times /healthz and the webhook against a 3 s bound: other classes' load would be measured too")
class SlowBodiesLoadTest {
    static final int SLOW = 500;
    /** How long the load phase times /healthz and the webhook with all 500 slow connections open. */
    static final Duration LOAD = Duration.ofSeconds(6);
    /**
     * The app's idle timeout and body deadline: short, so that the server ends the slow connections
     * a few seconds after the load phase (not 20 s after it, as with the defaults), yet long enough
     * that all 500 stay open throughout it. Their clocks start while the 500 are being opened, which
     * took about 4 s on a 2-core machine (the server accepts them no faster): the first trickled
     * body's deadline then runs from about 10 s before the load phase ends, and the silent ones,
     * opened last, are idle from about 8 s before it (measured: all 500 open at its end).
     */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEADLINE = Duration.ofSeconds(12);
    static TestDatabase db;
    static FakeTelegram telegram;
    static TestApp app;

    /** Webhook mode with ADMIN_TOKEN set, so {@code POST /login} reads its body. */
    @BeforeAll
    static void start() throws IOException {
        db = TestDatabase.create();
        telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
        Map<String, String> env = new HashMap<>(TelegramFixtures.env(telegram, "https://agent.example.org"));
        env.put("ADMIN_TOKEN", SlowClientsTest.ADMIN);
        env.put("HTTP_IDLE_TIMEOUT_SECONDS", Long.toString(IDLE_TIMEOUT.toSeconds()));
        env.put("HTTP_BODY_DEADLINE_SECONDS", Long.toString(DEADLINE.toSeconds()));
        app = TestApp.start(db, Files.createTempDirectory("sa-slow"), env, Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        app.close();
        telegram.close();
        db.close();
    }

    @Test
    void five_hundred_slow_bodies_neither_stall_healthz_and_the_webhook_nor_stay_open() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            // Two source addresses, so the per-client limit lets all 500 in.
            for (int i = 0; i < SLOW; i++) {
                Socket s = connectFrom(i % 2 == 0 ? "127.0.0.2" : "127.0.0.3");
                s.getOutputStream().write(("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\nt")
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            // Half trickle a byte per round, half go silent after their first byte (a handler waits on
            // each until the idle timeout): all 500 stay open while /healthz and the webhook are timed.
            List<Socket> trickling = slow.subList(0, SLOW / 2);
            long end = System.nanoTime() + LOAD.toNanos();
            int round = 0;
            while (System.nanoTime() < end) {
                trickle(trickling);
                long t0 = System.nanoTime();
                assertThat(app.send(HttpRequest.newBuilder(app.uri("/healthz")).timeout(Duration.ofSeconds(3)).build()).statusCode())
                        .isEqualTo(200);
                HttpResponse<String> hook = TelegramFixtures.post(app, TelegramFixtures.text(90_000 + round, 4242, 500 + round, "hi"));
                assertThat(hook.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
                round++;
            }
            // The server itself ends every one: the silent ones at the idle timeout, the trickled ones at
            // the body deadline (the trickle stopped, but the deadline comes first).
            long deadline = System.nanoTime() + DEADLINE.plusSeconds(10).toNanos();
            for (Socket s : slow) {
                s.setSoTimeout((int) Math.max(100, (deadline - System.nanoTime()) / 1_000_000));
                assertThat(endedByServer(s)).as("a trickled body ended by the server").isTrue();
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    /** One more byte on every still-open slow connection. */
    private static void trickle(List<Socket> slow) {
        for (Socket s : slow) {
            try {
                OutputStream out = s.getOutputStream();
                out.write('x');
                out.flush();
            } catch (IOException closedByServer) {
                // Expected once the server has given up on this body.
            }
        }
    }

    /** True when the server answered (a status line) or closed the connection. */
    private static boolean endedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            int first = in.read();
            return first == -1 || first == 'H';
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static Socket connectFrom(String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", app.uri("/").getPort()), 5_000);
        return s;
    }
}
