package dev.serveragent.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.config.HttpConfig;
import dev.serveragent.testing.CapturedLogs;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slow or vanishing clients (issue 18): a body trickled without pause is cut off at its deadline,
 * one client address cannot hold more than its share of connections, and a client that hangs up
 * mid-body is one short log line. 500 slow bodies under load: {@link SlowBodiesLoadTest}.
 */
class SlowClientsTest {
    static final String ADMIN = "slow-clients-admin-token-0123456789abcdef";
    /** The body deadline of this class's app: short, so that waiting it out takes seconds, not 30. */
    static final Duration DEADLINE = Duration.ofSeconds(4);
    static TestDatabase db;
    static FakeTelegram telegram;
    static TestApp app;

    /**
     * Webhook mode with ADMIN_TOKEN set, so {@code POST /login} reads its body; the body deadline is
     * {@link #DEADLINE}, the idle timeout its default (20 s), far above it.
     */
    @BeforeAll
    static void start() throws IOException {
        db = TestDatabase.create();
        telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
        Map<String, String> env = new HashMap<>(TelegramFixtures.env(telegram, "https://agent.example.org"));
        env.put("ADMIN_TOKEN", ADMIN);
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
    void a_large_declared_body_gets_time_at_the_minimum_rate_and_a_small_one_the_plain_deadline() {
        BodyDeadline byDefault = new BodyDeadline(HttpConfig.DEFAULT_BODY_DEADLINE);
        assertThat(byDefault.limitFor(4000)).isEqualTo(Duration.ofSeconds(30));
        assertThat(byDefault.limitFor(-1)).isEqualTo(Duration.ofSeconds(30));
        // A 20 MB console upload at 512 kbit/s: 320 s on top of the 30 s.
        assertThat(byDefault.limitFor(20L * 1024 * 1024)).isEqualTo(Duration.ofSeconds(350));
        // A declared terabyte gets no more time than the largest body a route takes.
        assertThat(byDefault.limitFor(1L << 40)).isEqualTo(byDefault.limitFor(BodyDeadline.LARGEST_BODY));
        // A configured deadline replaces the plain 30 s; the declared length's share stays on top.
        BodyDeadline configured = new BodyDeadline(DEADLINE);
        assertThat(configured.limitFor(4000)).isEqualTo(DEADLINE);
        assertThat(configured.limitFor(20L * 1024 * 1024)).isEqualTo(DEADLINE.plusSeconds(320));
    }

    @Test
    void a_body_trickled_without_pause_is_cut_off_at_the_body_deadline() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = connectFrom("127.0.0.6");
                s.getOutputStream().write(("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\nt")
                        .getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            long start = System.nanoTime();
            long giveUp = start + DEADLINE.plusSeconds(10).toNanos();
            // A byte every 500 ms never trips the idle timeout: only the deadline can end these.
            long firstCut = 0;
            while (System.nanoTime() < giveUp) {
                long open = slow.stream().filter(SlowClientsTest::stillWritable).count(); // a byte to each, no short cut
                if (open < slow.size() && firstCut == 0) {
                    firstCut = System.nanoTime();
                }
                if (open == 0) {
                    break;
                }
                Thread.sleep(500);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(slow).allSatisfy(s -> assertThat(stillWritable(s)).as("cut off by the server").isFalse());
            assertThat(took).isLessThan(DEADLINE.plusSeconds(10));
            // Cut by the deadline, not by anything sooner: none was cut before it (the margin covers
            // the 20 requests having been armed a little before start).
            assertThat(Duration.ofNanos(firstCut - start)).isGreaterThan(DEADLINE.minusSeconds(2));
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    /** Writes one more byte; false once the server has closed the connection (reset or answered). */
    private static boolean stillWritable(Socket s) {
        try {
            s.getOutputStream().write('x');
            s.getOutputStream().flush();
            return s.getInputStream().available() == 0;
        } catch (IOException closed) {
            return false;
        }
    }

    @Test
    void one_client_address_keeps_at_most_its_share_of_connections() throws Exception {
        int extra = 40;
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < HttpServer.MAX_CONNECTIONS_PER_CLIENT + extra; i++) {
                sockets.add(connectFrom("127.0.0.4"));
            }
            int answered = 0;
            int refused = 0;
            for (Socket s : sockets) {
                s.setSoTimeout(10_000);
                try {
                    s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    int first = s.getInputStream().read();
                    if (first == 'H') {
                        answered++;
                    } else {
                        refused++;
                    }
                } catch (IOException closed) {
                    refused++;
                }
            }
            assertThat(answered).isEqualTo(HttpServer.MAX_CONNECTIONS_PER_CLIENT);
            assertThat(refused).isEqualTo(extra);
            // Another client is not affected.
            assertThat(app.get("/healthz").statusCode()).isEqualTo(200);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void connections_a_client_closed_no_longer_count_against_its_share() throws Exception {
        // Twice the share, one after the other, each closed by the client after its answer (as a
        // load generator or a proxy without keep-alive does): every one is served.
        for (int i = 0; i < 2 * HttpServer.MAX_CONNECTIONS_PER_CLIENT; i++) {
            try (Socket s = connectFrom("127.0.0.7")) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(s.getInputStream().read()).as("connection %d answered", i).isEqualTo('H');
            }
        }
    }

    @Test
    void a_client_that_hangs_up_mid_body_is_one_short_line_not_an_error() throws Exception {
        try (CapturedLogs logs = CapturedLogs.start()) {
            for (int i = 0; i < 5; i++) {
                try (Socket s = connectFrom("127.0.0.5")) {
                    s.getOutputStream().write(("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\ntoken=abc")
                            .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    Thread.sleep(50); // let the server start reading the body before the hang-up
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    logs.lines().stream().filter(l -> l.contains("gave up on POST /login")).count() >= 5);
            assertThat(logs.lines()).noneSatisfy(l -> assertThat(l).contains("Unhandled error"));
            assertThat(logs.lines()).filteredOn(l -> l.contains("gave up")).allSatisfy(l -> assertThat(l).doesNotContain("\n"));
        }
    }

    private static Socket connectFrom(String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", app.uri("/").getPort()), 5_000);
        return s;
    }
}
