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

    /** The command a message starts with, lower-cased, without the bot's name ("/tasks@my_bot" in groups is "/tasks"). */
    static String commandOf(String text) {
        String word = text.strip().split("\\s+", 2)[0].toLowerCase(java.util.Locale.ROOT);
        int at = word.indexOf('@');
        return at > 0 ? word.substring(0, at) : word;
    }
}
