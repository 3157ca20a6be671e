package dev.serveragent.console;

import dev.serveragent.channel.Channel;
import dev.serveragent.channel.MasterNaming;
import dev.serveragent.channel.Press;
import dev.serveragent.store.OutboxRepository;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The browser console as a {@link Channel}: it reads the conversation from the database, so a
 * message, an edit or a removed button is shown by waking the {@link ConsoleFeed}; the answer to
 * a press is handed back to the request that made it.
 */
public final class ConsoleChannel implements Channel {
    /** The console's access rules admit only the Master: its one user is one, reached in its one conversation. */
    public static final MasterNaming MASTERS = MasterNaming.everyone(CONSOLE, CONSOLE_CHAT_ID);

    private final ConsoleFeed feed;
    private final Map<String, String> answers = new ConcurrentHashMap<>();

    public ConsoleChannel(ConsoleFeed feed) {
        this.feed = feed;
    }

    @Override
    public boolean takesFiles() {
        return true; // shown as a download link (GET /console/api/files/{id})
    }

    @Override
    public String platform() {
        return CONSOLE;
    }

    @Override
    public String describe() {
        return "the browser console";
    }

    @Override
    public OutboxRepository.Delivery delivery() {
        return OutboxRepository.Delivery.STORED; // the console reads the conversation from the database
    }

    @Override
    public void answerPress(Press press, String text) {
        answers.put(press.pressId(), text == null ? "" : text);
    }

    /** The answer given to the press {@code pressId}, taken once. */
    String takeAnswer(String pressId) {
        return answers.remove(pressId);
    }

    @Override
    public void edited(long chatId, long platformMessageId, String text) {
        feed.wake();
    }

    @Override
    public void buttonRemoved(long chatId, long platformMessageId) {
        feed.wake();
    }

    @Override
    public void wake() {
        feed.wake();
    }
}
