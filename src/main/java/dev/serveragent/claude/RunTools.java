package dev.serveragent.claude;

import java.nio.file.Path;
import java.util.List;

/**
 * The agent's own tools for Claude Code runs (the MCP server {@code agent}, implemented in
 * {@code dev.serveragent.mcp}): what a mode may use, and a per-run grant that the runner hands to
 * the CLI with {@code --mcp-config} and withdraws when the run ends.
 */
public interface RunTools {
    /** The name of the MCP server as Claude Code sees it: tools are {@code mcp__agent__<name>}. */
    String SERVER_NAME = "agent";

    /** A tool a run of some mode may use: its bare name and a one-line description. */
    record Tool(String name, String description) {
        /** The name Claude Code knows it by, for {@code --allowedTools}. */
        public String qualifiedName() {
            return "mcp__" + SERVER_NAME + "__" + name;
        }
    }

    /** The tools a run in {@code mode} is given (none for CLASSIFY). */
    List<Tool> tools(ClaudeRequest.Mode mode);

    /**
     * Opens the tools for one run: a credential scoped to the request's thread and mode, written
     * into an MCP config file only this process's user can read.
     */
    Grant open(ClaudeRequest request);

    /** One run's access; {@link #close()} revokes the credential and deletes the config file. Idempotent. */
    interface Grant extends AutoCloseable {
        /** The file for {@code --mcp-config}. */
        Path mcpConfig();

        /** The qualified tool names to add to {@code --allowedTools}. */
        List<String> allowedTools();

        @Override
        void close();
    }
}
