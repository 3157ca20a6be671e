package dev.serveragent.claude;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * What to run.
 *
 * @param prompt the user prompt (sent on stdin)
 * @param systemPrompt appended to Claude Code's own system prompt ({@code --append-system-prompt})
 * @param mode selects the tool allow-list and guardrails
 * @param model {@code --model}, or the CLI default
 * @param maxTurns {@code --max-turns}
 * @param resumeSessionId {@code --resume}, to continue a thread's session
 * @param tokenCeiling stop the run once the usage reported in the stream crosses this many tokens
 *     (input incl. cache + output); the result then is {@link ClaudeResult.Failed} of kind CEILING
 *     with the usage actually spent
 * @param timeout wall-clock bound; past it the process tree is killed (kind TIMEOUT)
 * @param onEvent called for every parsed stream event, on the runner's reader thread
 * @param threadId the conversation the run serves (its answer goes there); empty for proactive
 *     runs. The agent's tools ({@link RunTools}) let a run send only to this thread.
 */
public record ClaudeRequest(
        String prompt,
        String systemPrompt,
        Mode mode,
        Optional<String> model,
        int maxTurns,
        Optional<String> resumeSessionId,
        OptionalLong tokenCeiling,
        Duration timeout,
        Consumer<ClaudeEvent> onEvent,
        OptionalLong threadId) {

    public enum Mode {
        /** Answer a question: read-only tools. */
        QUESTION,
        /** Carry out an approved command: the configured command tool set. */
        COMMAND,
        /** Proactive work: the configured proactive tool set. */
        PROACTIVE,
        /** Classify a message (no tools), for operators without an API key. */
        CLASSIFY
    }

    public static ClaudeRequest of(String prompt, String systemPrompt, Mode mode, Duration timeout) {
        return new ClaudeRequest(prompt, systemPrompt, mode, Optional.empty(), 30, Optional.empty(),
                OptionalLong.empty(), timeout, e -> {}, OptionalLong.empty());
    }

    public ClaudeRequest withTokenCeiling(long tokens) {
        return new ClaudeRequest(prompt, systemPrompt, mode, model, maxTurns, resumeSessionId, OptionalLong.of(tokens), timeout, onEvent, threadId);
    }

    public ClaudeRequest withOnEvent(Consumer<ClaudeEvent> listener) {
        return new ClaudeRequest(prompt, systemPrompt, mode, model, maxTurns, resumeSessionId, tokenCeiling, timeout, listener, threadId);
    }

    public ClaudeRequest withModel(String m) {
        return new ClaudeRequest(prompt, systemPrompt, mode, Optional.of(m), maxTurns, resumeSessionId, tokenCeiling, timeout, onEvent, threadId);
    }

    public ClaudeRequest withResume(String sessionId) {
        return new ClaudeRequest(prompt, systemPrompt, mode, model, maxTurns, Optional.of(sessionId), tokenCeiling, timeout, onEvent, threadId);
    }

    public ClaudeRequest withMaxTurns(int turns) {
        return new ClaudeRequest(prompt, systemPrompt, mode, model, turns, resumeSessionId, tokenCeiling, timeout, onEvent, threadId);
    }

    /** The run serves this conversation (see {@code threadId}). */
    public ClaudeRequest withThread(long thread) {
        return new ClaudeRequest(prompt, systemPrompt, mode, model, maxTurns, resumeSessionId, tokenCeiling, timeout, onEvent,
                OptionalLong.of(thread));
    }
}
