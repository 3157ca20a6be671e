import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhook ingest load, closed loop: for each concurrency level, that many connections each POST
 * distinct text-message updates to {@code /telegram/webhook} back to back (one request in flight
 * per connection, HTTP/1.1 keep-alive) for {@code seconds}, at most {@code maxRequests} per level.
 * A warm-up level at 16 connections runs first and is not reported. Prints updates/s and latency
 * percentiles per level; counts non-200 answers and I/O errors.
 *
 * <p>The client is deliberately minimal (one blocking socket per connection, requests formatted
 * into a reused buffer, responses parsed just enough to find their end) because it shares the
 * machine with the server and Postgres: {@code java.net.http.HttpClient} spent about 0.85 ms of CPU
 * per request here, half a core at 600 requests/s, which the server then did not have. pgbench,
 * its counterpart on the SQL side, is a C program of similarly small overhead.
 *
 * <p>Usage: {@code java bench/WebhookLoad.java <base-url> <secret> <levels, e.g. 1,16,64> <seconds>
 * <warmupSeconds> <maxRequests> <firstUpdateId>}
 */
public class WebhookLoad {
    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: WebhookLoad <base-url> <secret> <levels> <seconds> <warmupSeconds> <maxRequests> <firstUpdateId>");
            System.exit(2);
        }
        URI base = URI.create(args[0]);
        String host = base.getHost();
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
            throw new IllegalArgumentException("loopback only: " + base);
        }
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", base.getPort());
        String secret = args[1];
        int[] levels = Arrays.stream(args[2].split("[, ]+")).mapToInt(Integer::parseInt).toArray();
        long seconds = Long.parseLong(args[3]);
        long warmup = Long.parseLong(args[4]);
        int maxRequests = Integer.parseInt(args[5]);
        AtomicLong nextUpdate = new AtomicLong(Long.parseLong(args[6]));
        if (warmup > 0) {
            run(address, secret, 16, warmup, maxRequests, nextUpdate);
        }
        for (int c : levels) {
            Level r = run(address, secret, c, seconds, maxRequests, nextUpdate);
            System.out.printf("webhook  c=%-3d requests=%-6d errors=%-3d elapsed=%.1fs  %.0f updates/s  p50=%.2fms  p99=%.2fms%n",
                    c, r.latencies.length, r.errors, r.elapsed, r.latencies.length / r.elapsed,
                    pct(r.latencies, 0.50) / 1e6, pct(r.latencies, 0.99) / 1e6);
        }
    }

    record Level(long[] latencies, int errors, double elapsed) {}

    static Level run(InetSocketAddress address, String secret, int concurrency, long seconds, int maxRequests,
                     AtomicLong nextUpdate) throws InterruptedException {
        AtomicInteger issued = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long[][] perWorker = new long[concurrency][];
        int[] counts = new int[concurrency];
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        Thread[] workers = new Thread[concurrency];
        for (int w = 0; w < concurrency; w++) {
            int me = w;
            perWorker[w] = new long[maxRequests];
            workers[w] = Thread.ofPlatform().name("load-" + w).start(() -> {
                Connection conn = null;
                while (System.nanoTime() < deadline && issued.incrementAndGet() <= maxRequests) {
                    long id = nextUpdate.getAndIncrement();
                    long chat = 1000 + id % 1000; // 1000 chats: thread upserts both insert and update
                    long t0 = System.nanoTime();
                    try {
                        if (conn == null) {
                            conn = new Connection(address, secret);
                        }
                        if (conn.post(id, chat) != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                        conn = Connection.close(conn);
                    }
                    perWorker[me][counts[me]++] = System.nanoTime() - t0;
                }
                Connection.close(conn);
            });
        }
        for (Thread t : workers) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int w = 0; w < concurrency; w++) {
            System.arraycopy(perWorker[w], 0, all, at, counts[w]);
            at += counts[w];
        }
        Arrays.sort(all);
        return new Level(all, errors.get(), elapsed);
    }

    /** One keep-alive HTTP/1.1 connection to the webhook. Not thread-safe. */
    static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String secret;
        private final StringBuilder request = new StringBuilder(512);
        private final StringBuilder body = new StringBuilder(256);

        Connection(InetSocketAddress address, String secret) throws IOException {
            this.socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(address, 5_000);
            socket.setSoTimeout(30_000);
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 8192);
            this.secret = secret;
        }

        /** Sends one update and reads the whole answer; returns its status. */
        int post(long id, long chat) throws IOException {
            body.setLength(0);
            body.append("{\"update_id\":").append(id).append(",\"message\":{\"message_id\":").append(id)
                    .append(",\"from\":{\"id\":").append(chat).append(",\"is_bot\":false,\"first_name\":\"Bench\"},")
                    .append("\"chat\":{\"id\":").append(chat).append(",\"first_name\":\"Bench\",\"type\":\"private\"},")
                    .append("\"date\":1764064800,\"text\":\"benchmark message ").append(id).append("\"}}");
            request.setLength(0);
            request.append("POST /telegram/webhook HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    .append("Content-Type: application/json\r\n")
                    .append("X-Telegram-Bot-Api-Secret-Token: ").append(secret).append("\r\n")
                    .append("Content-Length: ").append(body.length()).append("\r\n\r\n")
                    .append(body);
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readResponse();
        }

        private int readResponse() throws IOException {
            String status = line();
            if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
                throw new IOException("not an HTTP/1.1 status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean closing = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closing = true;
                }
            }
            if (chunked) {
                for (long n = Long.parseLong(line().split(";")[0].trim(), 16); n > 0; n = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(n);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                throw new IOException("answer without a length");
            }
            if (closing) {
                throw new IOException("server closed the connection");
            }
            return code;
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new EOFException("connection closed by the server");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }

        private void skip(long n) throws IOException {
            for (long left = n; left > 0; ) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException("connection closed in a body");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }

        static Connection close(Connection c) {
            if (c != null) {
                try {
                    c.socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            return null;
        }
    }

    static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
