package dev.serveragent;

import dev.serveragent.mcp.AgentToolServer;
import dev.serveragent.store.Database;
import dev.serveragent.web.HttpServer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up's warm-up: while the embedded Postgres starts (its own process, which the JVM only
 * waits for), the start thread initializes the libraries the rest of the start needs: the pool,
 * Jdbi and Flyway, Javalin and Jetty, the MCP SDK. The same classes would otherwise be initialized
 * one by one after the database is up, on the critical path (docs/PERFORMANCE.md, start-up).
 * Nothing is started, bound or kept; a step that fails is skipped (the real start then meets the
 * same problem and reports it).
 */
final class StartupWarmUp {
    private static final Logger log = LoggerFactory.getLogger(StartupWarmUp.class);

    /** In the order the start needs them. */
    static final List<Step> STEPS = List.of(
            new Step("database", Database::warmUp),
            new Step("agent tools", AgentToolServer::warmUp),
            new Step("http", HttpServer::warmUp));

    record Step(String name, Runnable warmUp) {}

    private StartupWarmUp() {}

    /** Runs every step on this thread; returns how many succeeded. */
    static int run() {
        return runSteps(STEPS);
    }

    static int runSteps(List<Step> steps) {
        long t0 = System.nanoTime();
        int ok = 0;
        for (Step step : steps) {
            try {
                step.warmUp().run();
                ok++;
            } catch (RuntimeException | LinkageError e) {
                log.debug("Start-up warm-up of {} skipped: {}", step.name(), e.toString());
            }
        }
        log.debug("Start-up warm-up: {} of {} steps in {} ms", ok, steps.size(), (System.nanoTime() - t0) / 1_000_000);
        return ok;
    }
}
