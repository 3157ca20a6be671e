package dev.serveragent.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The integrity test of a release started beside the running one: both listen on the one port
 * (SO_REUSEPORT), the kernel hands each new connection to either, and the {@code "pid"} in the
 * answers of {@code /healthz} and {@code /readyz} says which answered. So each probe is a new
 * connection (HTTP/1.0, closed after the answer), and only answers of the new pid count.
 */
final class InstanceHealth {
    private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");
    private static final int TIMEOUT_MS = 3000;

    /** What one probe saw: the HTTP status (0 when none), the answering pid (-1 when unknown), the body. */
    record Answer(int status, long pid, String body) {}

    private final String host;

    InstanceHealth(String host) {
        this.host = host;
    }

    /** Empty once {@code pid} answered 200 on both paths within {@code timeout}; otherwise why not. */
    Optional<String> await(int port, long pid, Duration timeout, BooleanSupplier running) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean healthz = false;
        String last = "no answer from pid " + pid + " yet";
        while (true) {
            if (!running.getAsBoolean()) {
                return Optional.of("the new instance exited before it became healthy (last check: " + last + ")");
            }
            String path = healthz ? "/readyz" : "/healthz";
            Answer a = probe(port, path);
            if (a.pid() == pid) {
                if (a.status() == 200 && healthz) {
                    return Optional.empty();
                }
                healthz |= a.status() == 200 && path.equals("/healthz");
                if (a.status() != 200) {
                    last = path + " answered " + a.status() + " " + abbreviate(a.body());
                }
            }
            if (System.nanoTime() >= deadline) {
                return Optional.of("not healthy within " + timeout.toSeconds() + " s: " + last);
            }
            try {
                Thread.sleep(HealthCheck.POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while waiting for health");
            }
        }
    }

    /** One GET on a connection of its own. */
    Answer probe(int port, String path) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            int status = text.startsWith("HTTP/") && text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : 0;
            int split = text.indexOf("\r\n\r\n");
            String body = split < 0 ? "" : text.substring(split + 4).strip();
            Matcher m = PID.matcher(body);
            return new Answer(status, m.find() ? Long.parseLong(m.group(1)) : -1, body);
        } catch (IOException | NumberFormatException e) {
            return new Answer(0, -1, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
