package dev.serveragent.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.ClaudeRequest.Mode;
import dev.serveragent.claude.RunTools;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A run's view of the agent's MCP server in tests: its grant and an SDK client that authenticates
 * with the credential read from the grant's file, as the CLI does.
 */
public record ToolRun(RunTools.Grant grant, String token, McpSyncClient client) implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ToolRun open(AgentToolServer server, Mode mode, Long threadId) {
        RunTools.Grant grant = server.open(request(mode, threadId));
        try {
            String header = JSON.readTree(grant.mcpConfig().toFile()).path("mcpServers").path("agent").path("headers")
                    .path("Authorization").asText();
            String token = header.substring("Bearer ".length());
            McpSyncClient client = connect(server, token);
            client.initialize();
            return new ToolRun(grant, token, client);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request of {@code mode}, serving {@code threadId} (null: a run with no chat, as a proactive one). */
    static ClaudeRequest request(Mode mode, Long threadId) {
        ClaudeRequest r = ClaudeRequest.of("p", "s", mode, Duration.ofMinutes(1));
        return threadId == null ? r : r.withThread(threadId);
    }

    static McpSyncClient connect(AgentToolServer server, String token) {
        var transport = HttpClientStreamableHttpTransport.builder(server.url().replace("/mcp", ""))
                .endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        return McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
    }

    public McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    public String ok(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = call(tool, args);
        assertThat(r.isError()).as(text(r)).isNotEqualTo(Boolean.TRUE);
        return text(r);
    }

    public String error(String tool, Map<String, Object> args) {
        McpSchema.CallToolResult r = call(tool, args);
        assertThat(r.isError()).as(text(r)).isTrue();
        return text(r);
    }

    public static String text(McpSchema.CallToolResult r) {
        return r.content().stream().map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        client.close();
        grant.close();
    }
}
