package dev.serveragent.reactive;

/**
 * Slash commands of another capability (the agenda's {@code /tasks}, {@code /schedules},
 * {@code /tz}), answered without a model. Asked only for a Master's message that starts with
 * {@code /}; the extension sends its own reply (which may carry buttons).
 */
@FunctionalInterface
public interface CommandExtension {
    /** True when {@code text} was one of its commands and has been answered; false: not ours. */
    boolean handle(long threadId, String text);

    CommandExtension NONE = (threadId, text) -> false;
}
