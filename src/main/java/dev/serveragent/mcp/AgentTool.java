package dev.serveragent.mcp;

import dev.serveragent.claude.ClaudeRequest;
import java.util.Set;

/**
 * One tool of the agent's MCP server. To add a tool: implement this in one class and add an
 * instance to the list given to {@link AgentToolServer} (in {@code Application}, block "agent
 * tools"); the server then lists it to the runs of {@link #modes()}, puts
 * {@code mcp__agent__<name>} on their allow-list and into the tooling index, and refuses it to any
 * other run. See the package documentation.
 *
 * <p>Implementations must be thread-safe (calls from concurrent runs) and must check every
 * argument before writing anything, so a bad call leaves no partial write: throw
 * {@link ToolException} (or {@link IllegalArgumentException}) with words the model can act on.
 */
public interface AgentTool {
    /** The contract name (DESIGN §4), e.g. {@code search_memory}. */
    String name();

    /** What it does and when to use it, for the model (one short paragraph). */
    String description();

    /** The JSON Schema of its arguments (an object schema). */
    String inputSchema();

    /** The run modes that get this tool. */
    Set<ClaudeRequest.Mode> modes();

    /**
     * Runs the tool for {@code grant}'s run and returns the text the model sees.
     *
     * @throws ToolException (or IllegalArgumentException) for a call that cannot be done; its message reaches the model
     */
    String call(RunGrant grant, ToolArgs args);
}
