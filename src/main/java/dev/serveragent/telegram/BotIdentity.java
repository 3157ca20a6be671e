package dev.serveragent.telegram;

import com.pengrad.telegrambot.TelegramBot;
import com.pengrad.telegrambot.request.GetMe;
import com.pengrad.telegrambot.response.GetMeResponse;
import dev.serveragent.runtime.Lifecycle;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    private final TelegramBot bot;
    private final Duration firstRetry;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> failureListeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile String username;
    private Thread thread;

    public BotIdentity(TelegramBot bot, Duration firstRetry) {
        this.bot = bot;
        this.firstRetry = firstRetry;
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
        if (thread == null && stopping.getCount() > 0) {
            thread = Thread.ofVirtual().name("telegram-getme").start(this::run);
        }
    }

    @Override
    public void stop() {
        stopping.countDown();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        Lifecycle.awaitEnd(t);
    }

    private void run() {
        Duration pause = firstRetry;
        for (int attempt = 1; stopping.getCount() > 0; attempt++) {
            String error;
            try {
                GetMeResponse r = bot.execute(new GetMe());
                if (r.isOk() && r.user() != null && r.user().username() != null) {
                    known(r.user().username());
                    return;
                }
                error = "Telegram answered " + r.errorCode() + " " + r.description();
            } catch (RuntimeException e) {
                error = e.toString();
            }
            if (attempt == 1) {
                log.warn("Could not ask Telegram for the bot's @username (getMe): {}; retrying in the background", error);
                String first = error;
                failureListeners.forEach(l -> l.accept(first));
            } else {
                log.debug("getMe attempt {} failed: {}", attempt, error);
            }
            try {
                if (stopping.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : pause.multipliedBy(2);
        }
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
