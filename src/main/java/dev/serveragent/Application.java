package dev.serveragent;

import dev.serveragent.admin.HttpRoutes;
import dev.serveragent.admin.HttpServer;
import dev.serveragent.admin.Metrics;
import dev.serveragent.config.AppConfig;
import dev.serveragent.config.DatabaseUrl;
import dev.serveragent.store.Database;
import dev.serveragent.store.EmbeddedDatabase;
import dev.serveragent.telegram.TelegramModule;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the object graph by constructor injection, starts it in order
 * and stops it in reverse. Nothing else creates concrete components. {@link #close()} is
 * idempotent and safe from a shutdown hook.
 */
public final class Application implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Application.class);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<Lifecycle> components = new ArrayList<>();
    private final Database database;
    private final HttpServer http;
    private final TelegramModule telegram;
    private boolean closed;

    private Application(AppConfig config, Clock clock) {
        Metrics metrics = new Metrics();
        resources.add(metrics);
        try {
            DatabaseUrl url = config.database().url().orElseGet(() -> {
                EmbeddedDatabase embedded = EmbeddedDatabase.start(config.database().embeddedDataDir());
                resources.add(embedded);
                return embedded.url();
            });
            database = Database.open(url, config.database().maxPoolSize(), Optional.of(metrics.registry()));
            resources.add(database);
            database.migrate();

            List<HttpRoutes> routes = new ArrayList<>();
            describeMissing(config);

            // --- telegram: ingestion, outbox, media (issue 3) ---
            telegram = TelegramModule.build(config, database, clock, metrics.registry());
            resources.addAll(telegram.resources());
            telegram.routes().ifPresent(routes::add);
            components.addAll(telegram.components());
            // --- end telegram ---

            http = new HttpServer(config.http(), database, metrics, routes);
            components.add(http);
            components.addAll(telegram.afterHttp()); // setWebhook only once we can answer
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Builds and starts everything; on failure, whatever was started is stopped again. */
    public static Application start(AppConfig config, Clock clock) {
        Application app = new Application(config, clock);
        try {
            for (Lifecycle c : app.components) {
                c.start();
            }
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    private static void describeMissing(AppConfig config) {
        if (!config.telegram().enabled()) {
            log.warn("TELEGRAM_BOT_TOKEN is not set: Telegram is off and only the HTTP endpoints are served."
                    + " Set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (and MASTER_CHAT_IDS) to talk to the agent.");
        }
        if (config.anthropic().haikuApiKey().isEmpty() && config.claudeCode().oauthToken().isEmpty()) {
            log.warn("Neither ANTHROPIC_API_KEY/HAIKU_API_KEY nor CLAUDE_CODE_OAUTH_TOKEN is set: no model can be called.");
        }
    }

    public int httpPort() {
        return http.port();
    }

    public Database database() {
        return database;
    }

    /** Telegram's outbox, actions and artifacts, for the reactive loop and tests. */
    public TelegramModule telegram() {
        return telegram;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = components.size() - 1; i >= 0; i--) {
            try {
                components.get(i).stop();
            } catch (RuntimeException e) {
                log.warn("Stopping {} failed: {}", components.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        log.info("server-agent stopped");
    }
}
