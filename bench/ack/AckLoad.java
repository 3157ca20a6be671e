import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Acknowledgement latency, open loop: sends {@code rate} text-message updates per second for
 * {@code seconds} to {@code POST /telegram/webhook}, each from a new chat ({@code firstChat},
 * {@code firstChat+1}, …), at fixed times whatever the responses (each send on its own virtual
 * thread). t0 is taken just before each POST; t1 is when the fake Telegram received the first
 * {@code sendMessage} to that chat (both wall-clock epoch nanoseconds on this host). Waits up to
 * {@code graceSeconds} after the last send for the acknowledgements, then prints count, missing,
 * p50/p99/max of t1 - t0, and the split at the fake Anthropic's receipt of the classification
 * request (t0 → classify request, classify request → ack).
 *
 * <p>Usage: {@code java bench/ack/AckLoad.java <app-url> <secret> <telegram-url> <anthropic-url> <rate> <seconds>
 * <firstChat> <graceSeconds> [raw.csv]}
 */
public class AckLoad {
    public static void main(String[] args) throws Exception {
        String app = args[0];
        String secret = args[1];
        String telegram = args[2];
        String anthropic = args[3];
        double rate = Double.parseDouble(args[4]);
        int seconds = Integer.parseInt(args[5]);
        long firstChat = Long.parseLong(args[6]);
        int grace = Integer.parseInt(args[7]);
        Path raw = args.length > 8 ? Path.of(args[8]) : null;
        for (String u : List.of(app, telegram, anthropic)) {
            if (!u.startsWith("http://127.0.0.1")) {
                throw new IllegalArgumentException("loopback only: " + u);
            }
        }
        int n = (int) Math.round(rate * seconds);
        if (n < 1 || n > 20_000) {
            throw new IllegalArgumentException("between 1 and 20000 messages, not " + n);
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        URI webhookUri = URI.create(app + "/telegram/webhook");
        // This JVM's own warm-up (HttpClient classes, a first connection), so that the first
        // measured message does not carry the load generator's start-up.
        for (int i = 0; i < 20; i++) {
            http.send(HttpRequest.newBuilder(URI.create(app + "/healthz")).build(), HttpResponse.BodyHandlers.discarding());
        }
        long[] t0 = new long[n];
        long[] webhookNanos = new long[n];
        AtomicInteger errors = new AtomicInteger();
        long periodNanos = (long) (1e9 / rate);
        long start = System.nanoTime() + 50_000_000L;
        long maxLag = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                long due = start + i * periodNanos;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                maxLag = Math.max(maxLag, System.nanoTime() - due);
                final int k = i;
                long chat = firstChat + i;
                long update = chat; // distinct per message, as Telegram's update ids are
                String body = "{\"update_id\":" + update + ",\"message\":{\"message_id\":1,"
                        + "\"from\":{\"id\":" + chat + ",\"is_bot\":false,\"first_name\":\"Bench\"},"
                        + "\"chat\":{\"id\":" + chat + ",\"first_name\":\"Bench\",\"type\":\"private\"},"
                        + "\"date\":" + Instant.now().getEpochSecond() + ",\"text\":\"how is the benchmark going? bench-chat-" + chat + "\"}}";
                pool.submit(() -> {
                    HttpRequest req = HttpRequest.newBuilder(webhookUri).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .header("X-Telegram-Bot-Api-Secret-Token", secret)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    long sent = System.nanoTime();
                    t0[k] = epochNanos();
                    try {
                        if (http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException | RuntimeException e) {
                        errors.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    webhookNanos[k] = System.nanoTime() - sent;
                    return null;
                });
            }
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;

        // Wait for the acknowledgements (bounded), polling the fake Telegram.
        Map<Long, Long> acks = Map.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(grace).toNanos();
        while (true) {
            acks = fetch(http, telegram + "/bench/acks");
            long got = 0;
            for (int i = 0; i < n; i++) {
                if (acks.containsKey(firstChat + i)) {
                    got++;
                }
            }
            if (got == n || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        Map<Long, Long> classify = fetch(http, anthropic + "/bench/calls");

        List<Long> total = new ArrayList<>();
        List<Long> toClassify = new ArrayList<>();
        List<Long> classifyToAck = new ArrayList<>();
        List<Long> webhook = new ArrayList<>();
        PrintWriter out = raw == null ? null : new PrintWriter(Files.newBufferedWriter(raw));
        if (out != null) {
            out.println("chat,t0_epoch_ns,classify_epoch_ns,ack_epoch_ns,webhook_ns");
        }
        for (int i = 0; i < n; i++) {
            long chat = firstChat + i;
            Long t1 = acks.get(chat);
            Long tc = classify.get(chat);
            webhook.add(webhookNanos[i]);
            if (t1 != null) {
                total.add(t1 - t0[i]);
            }
            if (tc != null) {
                toClassify.add(tc - t0[i]);
                if (t1 != null) {
                    classifyToAck.add(t1 - tc);
                }
            }
            if (out != null) {
                out.println(chat + "," + t0[i] + "," + (tc == null ? "" : tc) + "," + (t1 == null ? "" : t1) + "," + webhookNanos[i]);
            }
        }
        if (out != null) {
            out.close();
        }
        Collections.sort(total);
        Collections.sort(toClassify);
        Collections.sort(classifyToAck);
        Collections.sort(webhook);
        System.out.printf("rate=%s/s seconds=%d sent=%d (in %.1fs, max send lag %.1fms) webhook_errors=%d acks=%d missing=%d%n",
                fmt(rate), seconds, n, sendSeconds, maxLag / 1e6, errors.get(), total.size(), n - total.size());
        line("ack (t1-t0)", total);
        line("t0 -> classify request", toClassify);
        line("classify request -> ack", classifyToAck);
        line("webhook response", webhook);
    }

    static void line(String what, List<Long> sorted) {
        System.out.printf("  %-24s n=%-5d p50=%8.1fms p99=%8.1fms max=%8.1fms%n", what, sorted.size(),
                pct(sorted, 0.50) / 1e6, pct(sorted, 0.99) / 1e6, sorted.isEmpty() ? 0 : sorted.getLast() / 1e6);
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    static Map<Long, Long> fetch(HttpClient http, String url) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<Long, Long> out = new HashMap<>();
        for (String line : body.split("\n")) {
            String[] p = line.trim().split(" ");
            if (p.length == 2) {
                out.put(Long.parseLong(p[0]), Long.parseLong(p[1]));
            }
        }
        return out;
    }

    static double pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
