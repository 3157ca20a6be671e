package dev.serveragent.web;

import dev.serveragent.config.AppConfig;
import dev.serveragent.config.DatabaseUrl;
import dev.serveragent.store.Database;
import dev.serveragent.store.EmbeddedDatabase;
import dev.serveragent.store.Repositories;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What every capability stands on: the metrics registry, the database (an embedded PostgreSQL
 * when no {@code DATABASE_URL} is set), migrated, with its {@link Repositories} built once, and
 * who may use the browser pages (the login routes). On failure while opening, whatever was
 * opened is closed again.
 */
public final class CoreModule implements Capability {
    private final Metrics metrics;
    private final Database database;
    private final Repositories repositories;
    private final WebAccessPolicy web;
    private final List<AutoCloseable> resources;
    private final List<HttpRoutes> routes;

    private CoreModule(Metrics metrics, Database database, Repositories repositories, WebAccessPolicy web,
            List<AutoCloseable> resources, Clock clock) {
        this.metrics = metrics;
        this.database = database;
        this.repositories = repositories;
        this.web = web;
        this.resources = List.copyOf(resources);
        this.routes = List.of(new LoginRoutes(web, clock));
    }

    public static CoreModule open(AppConfig config, Clock clock) {
        List<AutoCloseable> resources = new ArrayList<>();
        Metrics metrics = new Metrics();
        resources.add(metrics);
        try {
            DatabaseUrl url = config.database().url().orElseGet(() -> {
                EmbeddedDatabase embedded = EmbeddedDatabase.start(config.database().embeddedDataDir());
                resources.add(embedded);
                return embedded.url();
            });
            Database database = Database.open(url, config.database().maxPoolSize(), Optional.of(metrics.registry()));
            resources.add(database);
            database.migrate();
            Repositories repositories = new Repositories(database, clock);
            WebAccessPolicy web = new WebAccessPolicy(config.http().adminToken(), config.telegram().publicUrl().isPresent(),
                    repositories.webSessions(), clock);
            return new CoreModule(metrics, database, repositories, web, resources, clock);
        } catch (RuntimeException e) {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    public Metrics metrics() {
        return metrics;
    }

    public Database database() {
        return database;
    }

    public Repositories repositories() {
        return repositories;
    }

    /** Who may use the console and the dashboard. */
    public WebAccessPolicy web() {
        return web;
    }

    @Override
    public List<HttpRoutes> routes() {
        return routes;
    }

    @Override
    public List<AutoCloseable> resources() {
        return resources;
    }
}
