package dev.serveragent.testing;

import dev.serveragent.Application;
import dev.serveragent.config.AppConfig;
import dev.serveragent.config.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The real application, started in-process on a random port against a test database, driven
 * over HTTP exactly as Telegram or an operator would.
 */
public final class TestApp implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Application app;

    private TestApp(Application app) {
        this.app = app;
    }

    /** Starts with {@code env} over test defaults (port 0, loopback, the given database, data dir). */
    public static TestApp start(TestDatabase db, Path dataDir, Map<String, String> env, Clock clock) {
        return start(db.databaseUrlEnv(), dataDir, env, clock);
    }

    public static TestApp start(String databaseUrl, Path dataDir, Map<String, String> env, Clock clock) {
        return start(databaseUrl, dataDir, env, clock, java.util.List.of());
    }

    /** With channels besides Telegram and the console ({@link dev.serveragent.channel.ChannelPlugin}). */
    public static TestApp start(String databaseUrl, Path dataDir, Map<String, String> env, Clock clock,
            java.util.List<dev.serveragent.channel.ChannelPlugin> plugins) {
        Map<String, String> all = new HashMap<>();
        all.put("PORT", "0");
        all.put("BIND_HOST", "127.0.0.1");
        all.put("DATABASE_URL", databaseUrl);
        all.put("DATA_DIR", dataDir.toString());
        all.putAll(env);
        return new TestApp(Application.start(AppConfig.from(new Settings(all)), clock, java.util.Optional.empty(), plugins));
    }

    public Application app() {
        return app;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.httpPort() + path);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    public HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
