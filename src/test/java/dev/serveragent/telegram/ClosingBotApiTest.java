package dev.serveragent.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.pengrad.telegrambot.TelegramBot;
import dev.serveragent.store.OutboxRepository;
import dev.serveragent.testing.ClosingHttpServer;
import dev.serveragent.testing.ClosingHttpServer.Mode;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The outbox against Bot APIs that close connections the way real peers do: an HTTP/1.0 server
 * (closes after every answer) and a keep-alive server that drops connections idle for a few seconds
 * without a word (Node's default is 5 s; many proxies do the same). Real idle time matters here, so
 * many senders, each with its own client and connection pool, run side by side; their sends are
 * spaced by a seeded random 0–2.4 times the peer's idle timeout, so connections are reused both
 * before and after the peer dropped them. The timeout is 2 s rather than Node's 5 s only to keep
 * the class short: what matters is the spacing relative to it.
 */
class ClosingBotApiTest {
    private static final int LANES = 50;
    private static final int SENDS_PER_LANE = 20;
    private static final long SEED = 18_3L;
    /** The keep-alive peer's idle timeout; sends are spaced 0 to 2.4 times it. */
    private static final Duration PEER_IDLE = Duration.ofSeconds(2);

    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    static final OutboxRepository outbox = new OutboxRepository(db.jdbi());
    /** How many times each text reached a Bot API. */
    static final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    static final AtomicInteger messageIds = new AtomicInteger(5000);

    /** Requests the HTTP/1.0 server answered (any sender may claim any row, so not per lane). */
    static final AtomicInteger http10Requests = new AtomicInteger();

    static ClosingHttpServer.Answer botApi(ClosingHttpServer.Request request) {
        Map<String, String> form = new java.util.HashMap<>();
        for (String kv : request.text().split("&")) {
            String[] p = kv.split("=", 2);
            form.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), p.length == 2 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
        }
        delivered.computeIfAbsent(form.get("text"), t -> new AtomicInteger()).incrementAndGet();
        return new ClosingHttpServer.Answer(200, "application/json", """
                {"ok":true,"result":{"message_id":%d,"date":%d,"chat":{"id":%s,"type":"private"},"text":"sent"}}"""
                .formatted(messageIds.incrementAndGet(), Instant.now().getEpochSecond(), form.get("chat_id")));
    }

    @AutoClose
    static final ClosingHttpServer http10 = ClosingHttpServer.start(Mode.HTTP_1_0, Duration.ZERO, r -> {
        http10Requests.incrementAndGet();
        return botApi(r);
    });
    @AutoClose
    static final ClosingHttpServer idle = ClosingHttpServer.start(Mode.IDLE_TIMEOUT, PEER_IDLE, ClosingBotApiTest::botApi);

    private static long thread(long chatId) {
        return db.jdbi().withHandle(h -> h.createQuery(
                "insert into chat_threads (platform, chat_id) values ('telegram', :c) returning id").bind("c", chatId).mapTo(Long.class).one());
    }

    private static OutboxSender sender(String apiUrl) {
        TelegramBot bot = new TelegramBot.Builder(TelegramFixtures.TOKEN)
                .okHttpClient(BotApiHttp.client(Duration.ofSeconds(2), Duration.ofSeconds(10))).apiUrl(apiUrl + "/bot").build();
        return new OutboxSender(outbox, new SendPaceRepository(db.jdbi()), bot, Clock.systemUTC(), new SimpleMeterRegistry());
    }

    @Test
    void a_thousand_sends_spaced_around_the_peers_idle_timeout_lose_nothing_and_send_nothing_twice() throws Exception {
        Random random = new Random(SEED);
        List<OutboxSender> senders = new ArrayList<>();
        ScheduledExecutorService schedule = Executors.newScheduledThreadPool(2);
        List<Long> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            for (int lane = 0; lane < LANES; lane++) {
                ClosingHttpServer api = lane % 2 == 0 ? http10 : idle;
                OutboxSender sender = sender(api.url());
                senders.add(sender);
                sender.start();
                long thread = thread(8_000_000L + lane);
                int maxGapMs = (int) (PEER_IDLE.toMillis() * 12 / 5);
                long at = random.nextInt(maxGapMs / 4);
                for (int n = 0; n < SENDS_PER_LANE; n++) {
                    String text = "lane " + lane + " send " + n;
                    schedule.schedule(() -> {
                        ids.add(outbox.enqueue(thread, List.of(text), Optional.empty(), OutboxRepository.Delivery.SENDER, Instant.now()).getFirst());
                        sender.wake();
                    }, at, TimeUnit.MILLISECONDS);
                    at += random.nextInt(maxGapMs + 1);
                }
            }
            int total = LANES * SENDS_PER_LANE;
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> ids.size() == total
                    && db.jdbi().withHandle(h -> h.createQuery("select count(*) from chat_messages where send_status <> 'pending'")
                            .mapTo(Integer.class).one()) == total);
        } finally {
            schedule.shutdownNow();
            senders.forEach(OutboxSender::stop);
        }
        Map<String, Integer> statuses = new java.util.TreeMap<>();
        db.jdbi().withHandle(h -> h.createQuery("select send_status, count(*) from chat_messages group by send_status")
                .map((rs, ctx) -> statuses.put(rs.getString(1), rs.getInt(2))).list());
        assertThat(statuses).as("every row's end").containsExactly(Map.entry("sent", LANES * SENDS_PER_LANE));
        assertThat(delivered).as("texts that reached a Bot API").hasSize(LANES * SENDS_PER_LANE);
        assertThat(delivered.values()).as("deliveries of each text").allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        // The peers did close what the clients kept: every HTTP/1.0 send had a connection of its own,
        // and the keep-alive server dropped idle connections that were then wanted again.
        assertThat(http10.connections()).isEqualTo(http10Requests.get()).isGreaterThan(LANES);
        assertThat(idle.idleCloses()).isGreaterThan(LANES);
    }
}
