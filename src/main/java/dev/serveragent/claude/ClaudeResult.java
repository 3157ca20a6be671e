package dev.serveragent.claude;

import java.util.Optional;

/** How a run ended. Usage is always what was really spent, also on failure. */
public sealed interface ClaudeResult {
    Usage usage();

    Optional<String> sessionId();

    /** The run finished and Claude Code reported success. */
    record Completed(String text, Optional<String> sessionId, int turns, double costUsd, Usage usage) implements ClaudeResult {}

    /** The run did not produce a usable answer. {@code message} is fit to show the Master (no secrets). */
    record Failed(Kind kind, String message, Optional<String> sessionId, Usage usage) implements ClaudeResult {}

    enum Kind {
        /** The executable was not found or could not start. */
        NOT_FOUND,
        /** Non-zero exit or a crash before a result line. */
        CRASHED,
        /** A result line with {@code is_error:true} or an error subtype (max turns, budget, execution). */
        ERROR_RESULT,
        /** Wall-clock timeout. */
        TIMEOUT,
        /** Canceled by the caller. */
        CANCELED,
        /** The token ceiling was crossed. */
        CEILING,
        /** Output that could not be parsed. */
        MALFORMED
    }
}
