package dev.serveragent.masters;

import dev.serveragent.channel.Outbox;
import dev.serveragent.store.MessageRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While the agent has no listed or paired Master at all, a private message from anyone, in a channel
 * that pairs, gets {@link #TEXT}:
 * one fixed sentence saying how to pair (no model call, no download), at most once per
 * {@link #EVERY} per chat. The limit is the stored message itself, so it holds across restarts
 * and replicas; the hint is stored and sent through the outbox like every response. Each hint
 * also writes the current pairing code to the log, which is where the hint points. Groups never
 * get it, and once a Master exists nobody does: a stranger's message is then stored, nothing else.
 * Thread-safe (a thread's classifications run one at a time, so one check-then-send per chat).
 */
public final class PairingHint {
    private static final Logger log = LoggerFactory.getLogger(PairingHint.class);
    public static final Duration EVERY = Duration.ofMinutes(10);
    public static final String TEXT = "This agent has no Master yet, so it does not answer. If it is yours: look at its log, "
            + "where a pairing code was just written, or open its console (/console on its web port), and send /pair CODE here "
            + "or tap the t.me link shown there.";

    private final Masters masters;
    private final PairingInvite invite;
    private final MessageRepository messages;
    private final Outbox outbox;
    private final Clock clock;

    public PairingHint(Masters masters, PairingInvite invite, MessageRepository messages, Outbox outbox, Clock clock) {
        this.masters = masters;
        this.invite = invite;
        this.messages = messages;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Offers the hint for a non-Master's message in {@code threadId}; true when it was sent. Only
     * in a channel that pairs, in a private chat (the chat id is the sender's user id there).
     */
    public boolean offer(long threadId, String platform, long chatId, Long senderId) {
        if (!masters.pairs(platform) || senderId == null || chatId != senderId || masters.anyListedOrPaired()) {
            return false;
        }
        Instant now = clock.instant();
        if (messages.sentSince(threadId, TEXT, now.minus(EVERY))) {
            return false;
        }
        outbox.send(threadId, TEXT);
        invite.log(describe(platform) + " user " + senderId + " wrote to the bot, and it has no Master yet.");
        return true;
    }

    /** The platform's name for the log, capitalised as before ("Telegram user 42 wrote ..."). */
    private static String describe(String platform) {
        return platform.isEmpty() ? platform : Character.toUpperCase(platform.charAt(0)) + platform.substring(1);
    }
}
