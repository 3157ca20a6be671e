package dev.serveragent.claude;

import java.util.Optional;

/** One parsed line of Claude Code's stream-json output. */
public sealed interface ClaudeEvent {
    /** {@code {"type":"system","subtype":"init",...}}. */
    record Init(String sessionId, Optional<String> model) implements ClaudeEvent {}

    /** Assistant text, as it streams. {@code usageSoFar} is the run's cumulative usage after this message. */
    record AssistantText(String text, Usage usageSoFar) implements ClaudeEvent {}

    /** A tool call the model made. */
    record ToolUse(String toolName, String inputJson, Usage usageSoFar) implements ClaudeEvent {}

    /** A tool's result coming back to the model. */
    record ToolResult(String toolUseId, boolean isError) implements ClaudeEvent {}

    /** The final {@code {"type":"result",...}} line. */
    record Result(String subtype, boolean isError, String text, String sessionId, int numTurns,
            long durationMs, double totalCostUsd, Usage usage) implements ClaudeEvent {}

    /** Any other line, kept for diagnostics. */
    record Other(String type) implements ClaudeEvent {}
}
