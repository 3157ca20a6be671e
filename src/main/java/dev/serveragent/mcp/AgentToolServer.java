package dev.serveragent.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.RunTools;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own MCP server ({@value RunTools#SERVER_NAME}): the official MCP Java SDK's stateless
 * Streamable HTTP transport, on its own Jetty bound to 127.0.0.1 on a port the OS picks, so it is
 * never reachable from the network whatever {@code BIND_HOST} says.
 *
 * <p>Who may call: only a run holding a live grant ({@link RunGrants}). Every HTTP request must
 * carry {@code Authorization: Bearer <the run's credential>}; anything else is refused with 401
 * before the SDK reads the body. A tool not given to the grant's mode is neither listed to it nor
 * callable by it. Tools that act on a conversation act on the grant's thread only.
 *
 * <p>Errors: a tool's {@link ToolException} or {@link IllegalArgumentException} returns
 * {@code isError} with its message; anything else returns a generic error and is logged here.
 * Thread-safe; {@link #start()}/{@link #stop()} are idempotent.
 */
public final class AgentToolServer implements Lifecycle, RunTools {
    private static final Logger log = LoggerFactory.getLogger(AgentToolServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PATH = "/mcp";
    private static final String GRANT = "server-agent.grant";

    private final Map<String, Registered> tools = new LinkedHashMap<>();
    private final RunGrants grants;
    private Server jetty;
    private McpStatelessSyncServer mcp;

    private record Registered(AgentTool tool, Set<String> arguments) {}

    /** @param tools every tool of the server, in the order they are listed; names must be unique */
    public AgentToolServer(List<AgentTool> tools, Path workdir, Clock clock) {
        for (AgentTool t : tools) {
            if (this.tools.putIfAbsent(t.name(), new Registered(t, argumentNames(t))) != null) {
                throw new IllegalArgumentException("two agent tools are named " + t.name());
            }
        }
        this.grants = new RunGrants(workdir, clock);
    }

    /**
     * Initializes, without a port or a thread, the classes {@link #start} needs (the MCP SDK's server
     * and schema types, its JSON schema validator, Jetty's servlet context), so that a start can do
     * it while it waits for something else (the embedded database).
     */
    public static void warmUp() {
        McpSchema.Tool.builder().name("warm_up").description("warm-up")
                .inputSchema(McpJsonDefaults.getMapper(), "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}")
                .build();
        HttpServletStatelessServerTransport transport = HttpServletStatelessServerTransport.builder().messageEndpoint(PATH).build();
        McpStatelessSyncServer server = McpServer.sync(transport).serverInfo(SERVER_NAME, "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build()).build();
        server.close();
        new ServletContextHandler().addServlet(new ServletHolder(transport), PATH);
    }

    @Override
    public synchronized void start() {
        if (jetty != null) {
            return;
        }
        HttpServletStatelessServerTransport transport = HttpServletStatelessServerTransport.builder()
                .messageEndpoint(PATH)
                .httpHeaderValidator(headers -> {
                    if (grantFor(headers.getHeader("Authorization")).isEmpty()) {
                        throw new ServerTransportSecurityException(401, "a live run credential is required");
                    }
                })
                .contextExtractor(request -> grantFor(java.util.Collections.list(request.getHeaders("Authorization")))
                        .map(g -> McpTransportContext.create(Map.of(GRANT, g)))
                        .orElse(McpTransportContext.EMPTY))
                .build();
        List<SyncToolSpecification> specs = new ArrayList<>();
        for (Registered r : tools.values()) {
            specs.add(new SyncToolSpecification(McpSchema.Tool.builder()
                    .name(r.tool().name()).description(r.tool().description())
                    .inputSchema(McpJsonDefaults.getMapper(), r.tool().inputSchema()).build(),
                    (context, request) -> call(r, context, request)));
        }
        mcp = McpServer.sync(transport)
                .serverInfo(SERVER_NAME, "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .addToolFilter((context, tool) -> grantOf(context).map(g -> allows(tools.get(tool.name()), g)).orElse(false))
                .tools(specs)
                .build();
        QueuedThreadPool pool = new QueuedThreadPool(16, 2);
        pool.setName("agent-mcp");
        pool.setVirtualThreadsExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1"); // loopback only: the runs are child processes on this machine
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(transport), PATH);
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the agent's MCP server on 127.0.0.1: " + e.getMessage(), e);
        }
        jetty = server;
        grants.serveAt("http://127.0.0.1:" + connector.getLocalPort() + PATH);
        log.info("Agent tools (MCP server '{}') on 127.0.0.1:{}: {}", SERVER_NAME, connector.getLocalPort(), tools.keySet());
    }

    @Override
    public synchronized void stop() {
        if (jetty == null) {
            return;
        }
        try {
            mcp.close();
            jetty.stop();
        } catch (Exception e) {
            log.warn("Stopping the agent's MCP server: {}", e.toString()); // at shutdown; nothing left to protect
        } finally {
            jetty = null;
            grants.closeAll();
        }
    }

    /** The endpoint the runs are given (once started). */
    public String url() {
        return grants.url();
    }

    @Override
    public List<Tool> tools(ClaudeRequest.Mode mode) {
        return tools.values().stream().filter(r -> r.tool().modes().contains(mode))
                .map(r -> new Tool(r.tool().name(), r.tool().description())).toList();
    }

    @Override
    public Grant open(ClaudeRequest request) {
        if (jetty == null) {
            throw new IllegalStateException("the agent's MCP server is not started");
        }
        return grants.issue(request.threadId(), request.mode(),
                tools(request.mode()).stream().map(Tool::qualifiedName).toList());
    }

    /** Live grants, for tests and metrics. */
    public int liveGrants() {
        return grants.size();
    }

    RunGrants grants() {
        return grants;
    }

    private McpSchema.CallToolResult call(Registered r, McpTransportContext context, McpSchema.CallToolRequest request) {
        Optional<RunGrant> grant = grantOf(context);
        if (grant.isEmpty()) {
            return error("no live run credential"); // the header check refuses this first; kept for a transport change
        }
        if (!allows(r, grant.get())) {
            return error(r.tool().name() + " is not available to a " + grant.get().modeName() + " run");
        }
        try {
            return McpSchema.CallToolResult.builder()
                    .addTextContent(r.tool().call(grant.get(), ToolArgs.of(request.arguments(), r.arguments()))).build();
        } catch (ToolException | IllegalArgumentException e) {
            return error(r.tool().name() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("Agent tool {} failed for a {} run", r.tool().name(), grant.get().modeName(), e);
            return error(r.tool().name() + " failed inside the agent (" + e.getClass().getSimpleName()
                    + "); nothing more is known here: the agent's log has the details");
        }
    }

    private static boolean allows(Registered r, RunGrant g) {
        return r != null && r.tool().modes().contains(g.mode());
    }

    private static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    private Optional<RunGrant> grantFor(List<String> authorization) {
        if (authorization == null || authorization.size() != 1 || !authorization.get(0).startsWith("Bearer ")) {
            return Optional.empty();
        }
        return grants.find(authorization.get(0).substring("Bearer ".length()).strip());
    }

    private static Optional<RunGrant> grantOf(McpTransportContext context) {
        return context.get(GRANT) instanceof RunGrant g ? Optional.of(g) : Optional.empty();
    }

    private static Set<String> argumentNames(AgentTool t) {
        try {
            JsonNode schema = JSON.readTree(t.inputSchema());
            Set<String> names = new HashSet<>();
            schema.path("properties").fieldNames().forEachRemaining(names::add);
            return Set.copyOf(names);
        } catch (IOException e) {
            throw new UncheckedIOException("the input schema of agent tool " + t.name() + " is not JSON", e);
        }
    }
}
