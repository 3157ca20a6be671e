package dev.serveragent.web;

import dev.serveragent.runtime.Lifecycle;
import java.util.List;

/**
 * One capability of the agent as the composition root sees it: a module built by a static
 * factory from what it needs (its parameters), giving back what the running agent serves and
 * runs. The root adds every module's {@link #routes()} to the one HTTP server, starts the
 * {@link #components()} of the modules in the order it lists them, then the server, then the
 * {@link #afterHttp()} components; it stops them in reverse and closes the {@link #resources()}
 * last, in reverse. What other modules need from a module is on the module's own accessors.
 */
public interface Capability {
    /** HTTP endpoints, added to the one server. */
    default List<HttpRoutes> routes() {
        return List.of();
    }

    /** Background components, in start order: started before the HTTP server, stopped after it. */
    default List<Lifecycle> components() {
        return List.of();
    }

    /** Components that need the HTTP server answering (a webhook registration), stopped before it. */
    default List<Lifecycle> afterHttp() {
        return List.of();
    }

    /** Clients and pools to close once every component has stopped. */
    default List<AutoCloseable> resources() {
        return List.of();
    }
}
