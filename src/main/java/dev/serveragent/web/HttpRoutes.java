package dev.serveragent.web;

import io.javalin.router.JavalinDefaultRoutingApi;

/** A capability's HTTP endpoints, added to the one server at start. */
@FunctionalInterface
public interface HttpRoutes {
    void addTo(JavalinDefaultRoutingApi routes);
}
