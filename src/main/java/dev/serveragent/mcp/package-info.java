/**
 * The agent's own MCP server, {@code agent}: the tools every Claude Code run is given as
 * {@code mcp__agent__<name>} (DESIGN §4, docs/MEMORY.md).
 *
 * <ul>
 *   <li>{@link dev.serveragent.mcp.AgentToolServer}: the official MCP Java SDK's stateless
 *       Streamable HTTP transport on a Jetty bound to 127.0.0.1; implements
 *       {@link dev.serveragent.claude.RunTools}, which the Claude Code runner calls to open a
 *       per-run grant (a bearer credential scoped to the run's thread and mode, in a 0600
 *       {@code --mcp-config} file) and closes when the run ends.</li>
 *   <li>{@link dev.serveragent.mcp.AgentTool}: one tool. {@link dev.serveragent.mcp.RunGrant} is
 *       what the calling run may do; {@link dev.serveragent.mcp.ToolArgs} reads arguments with
 *       clear errors; {@link dev.serveragent.mcp.ToolException} is a refusal the model reads.</li>
 * </ul>
 *
 * <h2>Adding a tool (e.g. send_file; {@code ProposeTool} and the agenda's tools, {@code ListTasksTool} …
 * {@code CancelScheduleTool}, are worked examples over another package's services)</h2>
 * <ol>
 *   <li>One class implementing {@link dev.serveragent.mcp.AgentTool} (it may live in its own
 *       capability package, e.g. {@code dev.serveragent.agenda}): its contract name, a description
 *       for the model, a JSON Schema with {@code "additionalProperties": false} (the SDK validates
 *       calls against it), the {@link dev.serveragent.claude.ClaudeRequest.Mode}s that get it, and
 *       {@code call(grant, args)}, which checks everything before writing anything. Anything that
 *       sends to or changes a conversation takes the thread from
 *       {@link dev.serveragent.mcp.RunGrant#requireThread}, never from an argument.</li>
 *   <li>Add an instance to the list given to {@code AgentToolServer} in {@code Application}
 *       (block "agent tools"). That is the one place: the server then lists the tool to runs of its
 *       modes only, puts {@code mcp__agent__<name>} on their {@code --allowedTools} and in the
 *       tooling index, and refuses it to every other run.</li>
 *   <li>Test it through the SDK's client as {@code AgentToolServerTest} does.</li>
 * </ol>
 */
package dev.serveragent.mcp;
