import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's acknowledgement overhead beside Telegram's, closed loop (one Master typing):
 * {@code count} rounds, each sending one console message (POST /console/api/messages, t1 when its
 * "Understood: …" arrives on the live feed) and one Telegram update from a new Master chat (t1
 * when the fake Telegram receives its sendMessage), the next only after both acknowledgements.
 * Prints p50/p99/max per channel.
 *
 * <p>Usage: {@code java bench/ack/ConsoleAckLoad.java <app-url> <admin-token> <secret> <telegram-url> <count> <firstChat>}
 */
public class ConsoleAckLoad {
    private static final Pattern CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\">");
    private static final Pattern EVENT = Pattern.compile("\"id\":(\\d+).*\"role\":\"assistant\",\"text\":\"Understood:");

    public static void main(String[] args) throws Exception {
        String app = args[0];
        String admin = args[1];
        String secret = args[2];
        String telegram = args[3];
        int count = Integer.parseInt(args[4]);
        long firstChat = Long.parseLong(args[5]);
        for (String u : List.of(app, telegram)) {
            if (!u.startsWith("http://127.0.0.1")) {
                throw new IllegalArgumentException("loopback only: " + u);
            }
        }
        if (count < 1 || count > 5000) {
            throw new IllegalArgumentException("between 1 and 5000 rounds, not " + count);
        }
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        send(http, HttpRequest.newBuilder(URI.create(app + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(admin, StandardCharsets.UTF_8))).build());
        Matcher m = CSRF.matcher(send(http, HttpRequest.newBuilder(URI.create(app + "/console")).build()).body());
        if (!m.find()) {
            throw new IllegalStateException("no console page (is ADMIN_TOKEN right?)");
        }
        String csrf = m.group(1);

        LinkedBlockingQueue<long[]> acks = new LinkedBlockingQueue<>(); // {message id, epoch nanos}
        HttpResponse<InputStream> feed = http.send(HttpRequest.newBuilder(URI.create(app + "/console/events?after=" + Long.MAX_VALUE / 2))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(feed.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher e = EVENT.matcher(line);
                    if (line.startsWith("data:") && e.find()) {
                        acks.add(new long[] {Long.parseLong(e.group(1)), epochNanos()});
                    }
                }
            } catch (IOException ignored) {
                // the feed ends with the program
            }
        });

        List<Long> console = new ArrayList<>();
        List<Long> tg = new ArrayList<>();
        long seenAck = 0;
        for (int i = 0; i < count; i++) {
            long t0 = epochNanos();
            send(http, HttpRequest.newBuilder(URI.create(app + "/console/api/messages")).header("Content-Type", "application/json")
                    .header("X-CSRF-Token", csrf)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"how is the benchmark going? round " + i + "\"}")).build());
            long[] ack;
            do {
                ack = acks.poll(30, TimeUnit.SECONDS);
                if (ack == null) {
                    throw new IllegalStateException("no console acknowledgement within 30 s in round " + i);
                }
            } while (ack[0] <= seenAck); // a repeated event of an earlier acknowledgement
            seenAck = ack[0];
            console.add(ack[1] - t0);

            long chat = firstChat + i;
            String body = "{\"update_id\":" + chat + ",\"message\":{\"message_id\":1,\"from\":{\"id\":" + chat
                    + ",\"is_bot\":false,\"first_name\":\"Bench\"},\"chat\":{\"id\":" + chat + ",\"first_name\":\"Bench\",\"type\":\"private\"},"
                    + "\"date\":" + Instant.now().getEpochSecond() + ",\"text\":\"how is the benchmark going? bench-chat-" + chat + "\"}}";
            long t0tg = epochNanos();
            send(http, HttpRequest.newBuilder(URI.create(app + "/telegram/webhook")).header("Content-Type", "application/json")
                    .header("X-Telegram-Bot-Api-Secret-Token", secret).POST(HttpRequest.BodyPublishers.ofString(body)).build());
            Long t1 = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (t1 == null && System.nanoTime() < deadline) {
                t1 = ackOf(http, telegram, chat);
                if (t1 == null) {
                    Thread.sleep(2);
                }
            }
            if (t1 == null) {
                throw new IllegalStateException("no Telegram acknowledgement within 30 s in round " + i);
            }
            tg.add(t1 - t0tg);
        }
        Collections.sort(console);
        Collections.sort(tg);
        System.out.printf("closed loop, %d rounds (one console message, then one Telegram message)%n", count);
        line("console ack", console);
        line("telegram ack", tg);
    }

    static Long ackOf(HttpClient http, String telegram, long chat) throws IOException, InterruptedException {
        for (String line : send(http, HttpRequest.newBuilder(URI.create(telegram + "/bench/acks")).build()).body().split("\n")) {
            String[] p = line.trim().split(" ");
            if (p.length == 2 && Long.parseLong(p[0]) == chat) {
                return Long.parseLong(p[1]);
            }
        }
        return null;
    }

    static HttpResponse<String> send(HttpClient http, HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() >= 400) {
            throw new IllegalStateException(r.uri() + " answered " + res.statusCode() + ": " + res.body());
        }
        return res;
    }

    static void line(String what, List<Long> sorted) {
        System.out.printf("  %-14s n=%-5d p50=%8.1fms p99=%8.1fms max=%8.1fms%n", what, sorted.size(),
                pct(sorted, 0.50) / 1e6, pct(sorted, 0.99) / 1e6, sorted.isEmpty() ? 0 : sorted.getLast() / 1e6);
    }

    static double pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
