import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhook ingest load: {@code concurrency} workers each POST distinct text-message updates to
 * {@code /telegram/webhook} back to back (one request in flight per worker) for {@code seconds},
 * at most {@code maxRequests} in all. Prints updates/s and latency percentiles; counts non-200s.
 *
 * <p>Usage: {@code java bench/WebhookLoad.java <base-url> <secret> <concurrency> <seconds> <maxRequests> <firstUpdateId>}
 */
public class WebhookLoad {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        String secret = args[1];
        int concurrency = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        int maxRequests = Integer.parseInt(args[4]);
        AtomicLong nextUpdate = new AtomicLong(Long.parseLong(args[5]));
        if (!base.startsWith("http://127.0.0.1") && !base.startsWith("http://localhost")) {
            throw new IllegalArgumentException("loopback only: " + base);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(base + "/telegram/webhook");
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < concurrency; w++) {
                pool.submit(() -> {
                    while (System.nanoTime() < deadline && issued.incrementAndGet() <= maxRequests) {
                        long id = nextUpdate.getAndIncrement();
                        long chat = 1000 + id % 1000; // 1000 chats: thread upserts both insert and update
                        String body = "{\"update_id\":" + id + ",\"message\":{\"message_id\":" + id
                                + ",\"from\":{\"id\":" + chat + ",\"is_bot\":false,\"first_name\":\"Bench\"},"
                                + "\"chat\":{\"id\":" + chat + ",\"first_name\":\"Bench\",\"type\":\"private\"},"
                                + "\"date\":1764064800,\"text\":\"benchmark message " + id + "\"}}";
                        HttpRequest req = HttpRequest.newBuilder(uri)
                                .header("Content-Type", "application/json")
                                .header("X-Telegram-Bot-Api-Secret-Token", secret)
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        long t0 = System.nanoTime();
                        try {
                            int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (status != 200) {
                                errors.incrementAndGet();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        latencies.add(System.nanoTime() - t0);
                    }
                    return null;
                });
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("webhook  c=%-3d requests=%-6d errors=%-3d elapsed=%.1fs  %.0f updates/s  p50=%.2fms  p99=%.2fms%n",
                concurrency, sorted.size(), errors.get(), elapsed, sorted.size() / elapsed,
                pct(sorted, 0.50) / 1e6, pct(sorted, 0.99) / 1e6);
    }

    static double pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
