package dev.serveragent.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The integrity test's HTTP half: {@code /healthz} and {@code /readyz} of the started instance
 * must both answer 200 within the bound. Polls; gives up early when the instance has exited.
 */
public final class HealthCheck {
    static final Duration POLL = Duration.ofMillis(250);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String host;

    public HealthCheck(String host) {
        this.host = host;
    }

    /** Empty when healthy within {@code timeout}; otherwise why not, in words. */
    public Optional<String> await(int port, Duration timeout, BooleanSupplier running) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (true) {
            if (!running.getAsBoolean()) {
                return Optional.of("the new instance exited before it became healthy (last check: " + last + ")");
            }
            Optional<String> healthz = probe(port, "/healthz");
            Optional<String> readyz = healthz.isPresent() ? healthz : probe(port, "/readyz");
            if (readyz.isEmpty()) {
                return Optional.empty();
            }
            last = readyz.get();
            if (System.nanoTime() >= deadline) {
                return Optional.of("not healthy within " + timeout.toSeconds() + " s: " + last);
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while waiting for health");
            }
        }
    }

    /** Whether something answers healthy on {@code port} right now. */
    public boolean healthyNow(int port) {
        return probe(port, "/healthz").isEmpty() && probe(port, "/readyz").isEmpty();
    }

    private Optional<String> probe(int port, String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(3)).GET().build();
        try {
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return Optional.empty();
            }
            String body = r.body().strip();
            return Optional.of(path + " answered " + r.statusCode() + (body.isEmpty() ? "" : " " + abbreviate(body)));
        } catch (IOException e) {
            return Optional.of(path + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(path + ": interrupted");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
