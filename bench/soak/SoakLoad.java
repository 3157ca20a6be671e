import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's webhook traffic, open loop: {@code rate} actions per second for {@code seconds}, each
 * on its own virtual thread, from several Master chats and some strangers. Actions (weights in
 * {@link #MIX}): a question (answered at once by Claude Code), a request that needs OK
 * ("[confirm]"), a voice message (getFile + download + transcription), a photo (description), a
 * command, an edit of an earlier text, an exact second delivery of an earlier update (a third of
 * them two copies at once), a stranger's text, a stranger's press on someone's button.
 *
 * <p>After a message that waits for OK (a request, a voice, a photo) its chat takes no new message
 * until the acknowledgement has arrived at the fake Telegram ({@code /soak/ack}, at most
 * {@link #ACK_WAIT}): then the Master presses OK (75%), presses it twice as two updates (10%) or
 * leaves it (15%: the chat's next message supersedes it, or it expires). Every message carries a
 * {@code soak-uN} marker (N its update id) that the fakes echo into the acknowledgement.
 *
 * <p>Writes {@code sent.tsv} (update_id, action, update kind, copy, HTTP status, microseconds) for
 * the database checks, and prints the totals and the webhook latency.
 *
 * <p>Usage: {@code java -cp target/server-agent.jar bench/soak/SoakLoad.java <app-url> <secret> <telegram-url>
 * <seconds> <rate> <masters,> <slowMasters,> <strangers,> <slowScenario> <outDir>}
 */
public class SoakLoad {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ACK_WAIT = Duration.ofSeconds(45);
    private static final int RING = 300;
    private static final String[] COMMANDS = {"/status", "/cost", "/masters", "/help", "/budget"};
    private static final Map<String, Integer> MIX = new java.util.LinkedHashMap<>();
    static {
        MIX.put("text", 26);
        MIX.put("confirm", 14);
        MIX.put("voice", 9);
        MIX.put("photo", 9);
        MIX.put("command", 8);
        MIX.put("edit", 8);
        MIX.put("duplicate", 13);
        MIX.put("stranger_text", 10);
        MIX.put("stranger_press", 3);
    }

    record Row(long updateId, String action, String kind, boolean copy, int code, long nanos) {}
    record Delivered(long updateId, String action, String kind, String body) {}
    record Text(long messageId, long date, String text) {}

    static HttpClient http;
    static URI webhook;
    static String secret;
    static String telegram;
    static String slowMarker;
    static final ConcurrentLinkedQueue<Row> rows = new ConcurrentLinkedQueue<>();
    static final AtomicLong nextUpdate = new AtomicLong(700_000_000L);
    static final Map<Long, AtomicLong> nextMessageId = new ConcurrentHashMap<>();
    static final Map<Long, Text> lastText = new ConcurrentHashMap<>();
    static final ArrayDeque<Delivered> ring = new ArrayDeque<>();
    static final Set<Long> waiting = ConcurrentHashMap.newKeySet();
    static final Map<String, AtomicLong> flow = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        String app = args[0];
        secret = args[1];
        telegram = args[2];
        int seconds = Integer.parseInt(args[3]);
        double rate = Double.parseDouble(args[4]);
        List<Long> masters = ids(args[5]);
        Set<Long> slow = Set.copyOf(ids(args[6]));
        List<Long> strangers = ids(args[7]);
        slowMarker = "[[fake-claude:" + args[8] + "]]";
        Path out = Path.of(args[9]);
        for (String u : List.of(app, telegram)) {
            if (!u.startsWith("http://127.0.0.1")) {
                throw new IllegalArgumentException("loopback only: " + u);
            }
        }
        int n = (int) Math.round(rate * seconds);
        if (n < 1 || n > 20_000) {
            throw new IllegalArgumentException("between 1 and 20000 actions, not " + n);
        }
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        webhook = URI.create(app + "/telegram/webhook");
        Random rnd = new Random(42);
        int weights = MIX.values().stream().mapToInt(Integer::intValue).sum();
        long period = (long) (1e9 / rate);
        long start = System.nanoTime() + 50_000_000L;
        long maxLag = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                long due = start + i * period;
                for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(wait);
                }
                maxLag = Math.max(maxLag, System.nanoTime() - due);
                String action = pick(rnd.nextInt(weights));
                long seed = rnd.nextLong();
                long chat = switch (action) {
                    case "stranger_text", "stranger_press" -> strangers.get(rnd.nextInt(strangers.size()));
                    default -> idle(masters, rnd);
                };
                if (action.equals("confirm") || action.equals("voice") || action.equals("photo")) {
                    waiting.add(chat);
                }
                pool.submit(() -> {
                    act(action, chat, slow.contains(chat), new Random(seed));
                    return null;
                });
            }
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        report(out, n, rate, seconds, sendSeconds, maxLag);
    }

    /** A Master chat not waiting for a press, if there is one. */
    static long idle(List<Long> masters, Random rnd) {
        for (int tries = 0; tries < 20; tries++) {
            long c = masters.get(rnd.nextInt(masters.size()));
            if (!waiting.contains(c)) {
                return c;
            }
        }
        count("chat_busy_taken_anyway");
        return masters.get(rnd.nextInt(masters.size()));
    }

    static String pick(int r) {
        for (Map.Entry<String, Integer> e : MIX.entrySet()) {
            if ((r -= e.getValue()) < 0) {
                return e.getKey();
            }
        }
        throw new IllegalStateException();
    }

    static void act(String action, long chat, boolean slow, Random rnd) throws Exception {
        long u = nextUpdate.incrementAndGet();
        String marker = "soak-u" + u;
        long now = Instant.now().getEpochSecond();
        switch (action) {
            case "text", "stranger_text" -> {
                String text = "how much disk is free? " + marker + (slow ? " " + slowMarker : "");
                long mid = mid(chat);
                post(u, action, "message", message(u, chat, mid, now).put("text", text));
                lastText.put(chat, new Text(mid, now, text));
            }
            case "confirm" -> {
                String text = "please rotate the logs [confirm] " + marker + (slow ? " " + slowMarker : "");
                long mid = mid(chat);
                int code = post(u, action, "message", message(u, chat, mid, now).put("text", text));
                lastText.put(chat, new Text(mid, now, text));
                pressWhenAcknowledged(code, chat, marker, rnd);
            }
            case "voice" -> {
                ObjectNode m = message(u, chat, mid(chat), now);
                m.putObject("voice").put("duration", 3).put("mime_type", "audio/ogg").put("file_id", "voice-" + marker)
                        .put("file_unique_id", "v" + u).put("file_size", 2048);
                pressWhenAcknowledged(post(u, action, "message", m), chat, marker, rnd);
            }
            case "photo" -> {
                ObjectNode m = message(u, chat, mid(chat), now);
                var sizes = m.putArray("photo");
                sizes.addObject().put("file_id", "photo-small-" + marker).put("file_unique_id", "ps" + u).put("width", 90).put("height", 68).put("file_size", 1200);
                sizes.addObject().put("file_id", "photo-" + marker).put("file_unique_id", "p" + u).put("width", 1280).put("height", 960).put("file_size", 2048);
                if (rnd.nextBoolean()) {
                    m.put("caption", "what does this say? " + marker);
                }
                pressWhenAcknowledged(post(u, action, "message", m), chat, marker, rnd);
            }
            case "command" -> {
                String cmd = COMMANDS[rnd.nextInt(COMMANDS.length)];
                ObjectNode m = message(u, chat, mid(chat), now).put("text", cmd);
                m.putArray("entities").addObject().put("offset", 0).put("length", cmd.length()).put("type", "bot_command");
                post(u, action, "message", m);
            }
            case "edit" -> {
                Text t = lastText.get(chat);
                if (t == null) {
                    act("text", chat, slow, rnd); // nothing to edit yet in this chat
                    return;
                }
                ObjectNode m = message(u, chat, t.messageId(), t.date()).put("edit_date", now).put("text", t.text() + " (edited)");
                post(u, action, "edited_message", m);
            }
            case "duplicate" -> {
                Delivered d;
                synchronized (ring) {
                    d = ring.isEmpty() ? null : ring.stream().skip(rnd.nextInt(ring.size())).findFirst().orElseThrow();
                }
                if (d == null) {
                    act("text", chat, slow, rnd);
                    return;
                }
                int copies = rnd.nextInt(3) == 0 ? 2 : 1;
                try (ExecutorService both = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < copies; i++) {
                        both.submit(() -> send(d.updateId(), d.action(), d.kind(), true, d.body()));
                    }
                }
            }
            case "stranger_press" -> press(u, chat, 1 + rnd.nextInt(50), "ok:" + (1 + rnd.nextInt(2000)), "stranger_press");
            default -> throw new IllegalArgumentException(action);
        }
    }

    /** Waits for the message's acknowledgement at the fake Telegram, then presses OK (or not); frees the chat. */
    static void pressWhenAcknowledged(int code, long chat, String marker, Random rnd) throws Exception {
        try {
            if (code != 200) {
                return;
            }
            String[] ack = null;
            long deadline = System.nanoTime() + ACK_WAIT.toNanos();
            while (ack == null && System.nanoTime() < deadline) {
                String body = get(telegram + "/soak/ack?marker=" + URLEncoder.encode(marker, StandardCharsets.UTF_8));
                if (!body.isBlank()) {
                    ack = body.lines().findFirst().orElseThrow().split(" ");
                } else {
                    Thread.sleep(250);
                }
            }
            if (ack == null) {
                count("ack_not_seen_within_45s");
                return;
            }
            if (ack[2].equals("-")) {
                count("ack_without_button");
                return;
            }
            long messageId = Long.parseLong(ack[0]);
            String data = ack[2];
            int r = rnd.nextInt(100);
            if (r < 75) {
                count("ok_pressed");
                press(nextUpdate.incrementAndGet(), chat, messageId, data, "press");
            } else if (r < 85) {
                count("ok_pressed_twice");
                try (ExecutorService both = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < 2; i++) {
                        both.submit(() -> press(nextUpdate.incrementAndGet(), chat, messageId, data, "press_twice"));
                    }
                }
            } else {
                count("ok_left");
            }
        } finally {
            waiting.remove(chat);
        }
    }

    static int press(long u, long chat, long messageId, String data, String action) throws IOException, InterruptedException {
        ObjectNode root = JSON.createObjectNode().put("update_id", u);
        ObjectNode cb = root.putObject("callback_query").put("id", "soak-cb-" + u).put("chat_instance", "ci-" + chat).put("data", data);
        cb.putObject("from").put("id", chat).put("is_bot", false).put("first_name", "Soak");
        ObjectNode m = cb.putObject("message").put("message_id", messageId).put("date", Instant.now().getEpochSecond()).put("text", "Understood: …");
        m.putObject("from").put("id", 7000000001L).put("is_bot", true).put("first_name", "Server Agent");
        m.putObject("chat").put("id", chat).put("type", "private").put("first_name", "Soak");
        String body = root.toString();
        remember(new Delivered(u, action, "callback_query", body));
        return send(u, action, "callback_query", false, body);
    }

    static ObjectNode message(long u, long chat, long messageId, long date) {
        ObjectNode m = JSON.createObjectNode().put("message_id", messageId).put("date", date);
        m.putObject("from").put("id", chat).put("is_bot", false).put("first_name", "Soak").put("language_code", "en");
        m.putObject("chat").put("id", chat).put("first_name", "Soak").put("type", "private");
        return m;
    }

    static int post(long u, String action, String kind, ObjectNode message) throws IOException, InterruptedException {
        ObjectNode root = JSON.createObjectNode().put("update_id", u);
        root.set(kind, message);
        String body = root.toString();
        remember(new Delivered(u, action, kind, body));
        return send(u, action, kind, false, body);
    }

    static void remember(Delivered d) {
        synchronized (ring) {
            ring.addLast(d);
            if (ring.size() > RING) {
                ring.removeFirst();
            }
        }
    }

    static int send(long u, String action, String kind, boolean copy, String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Telegram-Bot-Api-Secret-Token", secret)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        int code;
        try {
            code = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            code = -1;
        }
        rows.add(new Row(u, action, kind, copy, code, System.nanoTime() - t0));
        return code;
    }

    static long mid(long chat) {
        return nextMessageId.computeIfAbsent(chat, c -> new AtomicLong(100)).incrementAndGet();
    }

    static String get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static void count(String key) {
        flow.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    static List<Long> ids(String csv) {
        return csv.isBlank() ? List.of() : Arrays.stream(csv.split(",")).map(String::trim).map(Long::parseLong).toList();
    }

    static void report(Path out, int n, double rate, int seconds, double sendSeconds, long maxLag) throws IOException {
        List<Row> all = new ArrayList<>(rows);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("sent.tsv")))) {
            for (Row r : all) {
                w.println(r.updateId() + "\t" + r.action() + "\t" + r.kind() + "\t" + (r.copy() ? 1 : 0) + "\t" + r.code() + "\t" + r.nanos() / 1000);
            }
        }
        Map<String, long[]> byAction = new TreeMap<>(); // deliveries, of which copies
        Map<Integer, Long> codes = new TreeMap<>();
        long[] nanos = new long[all.size()];
        for (int i = 0; i < all.size(); i++) {
            Row r = all.get(i);
            long[] c = byAction.computeIfAbsent(r.action(), k -> new long[2]);
            c[0]++;
            c[1] += r.copy() ? 1 : 0;
            codes.merge(r.code(), 1L, Long::sum);
            nanos[i] = r.nanos();
        }
        Arrays.sort(nanos);
        long distinct = all.stream().mapToLong(Row::updateId).distinct().count();
        System.out.printf("load: %d actions at %s/s over %ds (sent in %.1fs, max send lag %.1f ms): %d deliveries of %d distinct updates (%.2f deliveries/s)%n",
                n, rate, seconds, sendSeconds, maxLag / 1e6, all.size(), distinct, all.size() / sendSeconds);
        StringBuilder kinds = new StringBuilder();
        byAction.forEach((k, c) -> kinds.append(' ').append(k).append('=').append(c[0]).append(c[1] > 0 ? " (" + c[1] + " second deliveries)" : ""));
        System.out.println("deliveries by kind:" + kinds);
        System.out.println("answered:" + codes.entrySet().stream().map(e -> " " + (e.getKey() < 0 ? "no answer" : e.getKey()) + "=" + e.getValue()).reduce("", String::concat));
        System.out.printf("webhook latency: p50=%.1f ms p99=%.1f ms max=%.1f ms%n", pct(nanos, 0.50) / 1e6, pct(nanos, 0.99) / 1e6,
                nanos.length == 0 ? 0 : nanos[nanos.length - 1] / 1e6);
        System.out.println("OK flow:" + new TreeMap<>(flow).entrySet().stream().map(e -> " " + e.getKey() + "=" + e.getValue()).reduce("", String::concat));
    }

    static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
