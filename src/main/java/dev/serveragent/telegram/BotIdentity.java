package dev.serveragent.telegram;

import com.pengrad.telegrambot.TelegramBot;
import com.pengrad.telegrambot.request.GetMe;
import com.pengrad.telegrambot.response.GetMeResponse;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.runtime.Loop;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot's own @username, asked of Telegram ({@code getMe}) once at start, off the start path:
 * readiness never waits for it. While the Bot API cannot be reached it asks again with a doubling
 * pause ({@code firstRetry} up to {@link #MAX_RETRY}); the first failure is logged at WARN, the
 * later ones at DEBUG. Listeners hear the username once, when it is known (at once if it already
 * is). Thread-safe.
 */
public final class BotIdentity implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(BotIdentity.class);
    public static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    public static final Duration MAX_RETRY = Duration.ofMinutes(5);
    private static final Duration UNTIL_STOPPED = Duration.ofDays(365);

    private final TelegramBot bot;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> failureListeners = new CopyOnWriteArrayList<>();
    private final Loop loop;
    private boolean stopped;
    private volatile String username;
    private int attempts;      // touched by the loop's thread only
    private Duration pause;

    public BotIdentity(TelegramBot bot, Duration firstRetry) {
        this.bot = bot;
        this.pause = firstRetry;
        this.loop = Loop.named("telegram-getme", this::askOnce).describedAs("getMe").build();
    }

    /** The bot's username without the @, once Telegram has told it. */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** Calls {@code listener} with the username once it is known (now, if it already is). */
    public synchronized void onKnown(Consumer<String> listener) {
        if (username != null) {
            listener.accept(username);
        } else {
            listeners.add(listener);
        }
    }

    /** Calls {@code listener} with the error of the first failed {@code getMe}, if one fails. */
    public void onFirstFailure(Consumer<String> listener) {
        failureListeners.add(listener);
    }

    @Override
    public synchronized void start() {
        if (!stopped) {
            loop.start();
        }
    }

    @Override
    public void stop() {
        synchronized (this) {
            stopped = true; // for good: a stopped identity does not ask again
        }
        loop.stop();
    }

    /** One getMe; once answered, the loop idles until stopped. */
    private Loop.Next askOnce() {
        if (username != null) {
            return Loop.Next.idle(UNTIL_STOPPED);
        }
        String error;
        try {
            GetMeResponse r = bot.execute(new GetMe());
            if (r.isOk() && r.user() != null && r.user().username() != null) {
                known(r.user().username());
                return Loop.Next.worked(UNTIL_STOPPED);
            }
            error = "Telegram answered " + r.errorCode() + " " + r.description();
        } catch (RuntimeException e) {
            error = e.toString();
        }
        attempts++;
        if (attempts == 1) {
            log.warn("Could not ask Telegram for the bot's @username (getMe): {}; retrying in the background", error);
            String first = error;
            failureListeners.forEach(l -> l.accept(first));
        } else {
            log.debug("getMe attempt {} failed: {}", attempts, error);
        }
        Duration wait = pause;
        pause = pause.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : pause.multipliedBy(2);
        return Loop.Next.idle(wait);
    }

    private void known(String name) {
        List<Consumer<String>> toCall;
        synchronized (this) {
            username = name;
            toCall = List.copyOf(listeners);
            listeners.clear();
        }
        log.info("Telegram bot: @{}", name);
        toCall.forEach(l -> l.accept(name));
    }
}
