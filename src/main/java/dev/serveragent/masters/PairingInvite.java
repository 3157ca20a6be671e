package dev.serveragent.masters;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a pairing code is offered, in the log and on the console: the bot's @username, a one-tap
 * {@code https://t.me/<bot>?start=<code>} link (Telegram then sends the bot {@code /start CODE}
 * in a private chat, which pairs like {@code /pair CODE}), and the time left as a duration.
 * Until Telegram has told the bot's username ({@code getMe}), the offer is the {@code /pair}
 * message alone. Thread-safe.
 */
public final class PairingInvite {
    private static final Logger log = LoggerFactory.getLogger(PairingInvite.class);

    private final Pairing pairing;
    private final Supplier<Optional<String>> botUsername;
    private final Clock clock;

    public PairingInvite(Pairing pairing, Supplier<Optional<String>> botUsername, Clock clock) {
        this.pairing = pairing;
        this.botUsername = botUsername;
        this.clock = clock;
    }

    /** The code last shown while it still works, else a new one. */
    public Pairing.Code current() {
        return pairing.current();
    }

    /** The bot's username without the @, once known. */
    public Optional<String> bot() {
        return botUsername.get();
    }

    /** The deep link that pairs in one tap, once the bot's username is known. */
    public Optional<String> link(Pairing.Code code) {
        return bot().map(b -> "https://t.me/" + b + "?start=" + code.code());
    }

    /** What to open or send and how long the code works, to follow "To become a Master, ". */
    public String instruction(Pairing.Code code) {
        String ends = "the code works once and expires " + expiresIn(Duration.between(clock.instant(), code.expiresAt())) + ".";
        return bot().map(b -> "open " + link(code).orElseThrow() + " on your phone and tap Start (or send @" + b
                        + " the message /pair " + code.code() + "); " + ends)
                .orElse("send the bot the message /pair " + code.code() + " (its @username shows here once Telegram answers "
                        + "getMe); " + ends);
    }

    /** Logs the current code's instruction at INFO, after {@code why} (a sentence). */
    public void log(String why) {
        log.info("{} To become its Master, {} The console shows a new code once it expires.", why, instruction(current()));
    }

    /** "in 10 min", "in 1 h 5 min", "in less than a minute", "now": minutes are rounded up. */
    static String expiresIn(Duration left) {
        if (left.isNegative() || left.isZero()) {
            return "now";
        }
        long minutes = (left.toSeconds() + 59) / 60;
        if (left.toSeconds() < 60) {
            return "in less than a minute";
        }
        return minutes < 60 ? "in " + minutes + " min" : "in " + minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }
}
