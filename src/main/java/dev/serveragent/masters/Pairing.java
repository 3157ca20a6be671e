package dev.serveragent.masters;

import dev.serveragent.store.MasterRepository;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * One-time pairing codes: the user who sends {@code /pair CODE} in a channel that pairs
 * ({@code MasterNaming.pairable}, Telegram) becomes a Master of that channel.
 * A code expires after {@link #TTL} and works once; only its hash is stored. Wrong codes are
 * counted per sender: after {@link #MAX_FAILURES} within {@link #FAILURE_WINDOW} the sender is
 * refused without the code being looked at. Codes are 8 characters of a 32-letter alphabet
 * (40 bits): with the limit, guessing one is hopeless. Thread-safe.
 */
public final class Pairing {
    public static final Duration TTL = Duration.ofMinutes(10);
    public static final int MAX_FAILURES = 5;
    public static final Duration FAILURE_WINDOW = Duration.ofHours(1);
    /** No 0/O, 1/I/L: easy to read off a screen and type on a phone. */
    private static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A code to show, with its end. */
    public record Code(String code, Instant expiresAt) {}

    private final MasterRepository repository;
    private final Clock clock;
    private volatile Code shown;

    public Pairing(MasterRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /** A new code (the previous ones stay valid until they expire or are used). */
    public synchronized Code issue() {
        StringBuilder b = new StringBuilder(9);
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                b.append('-');
            }
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        Instant now = clock.instant();
        Code code = new Code(b.toString(), now.plus(TTL));
        repository.createCode(hash(code.code()), now, code.expiresAt());
        shown = code;
        return code;
    }

    /** The code last shown while it still works, else a new one. */
    public synchronized Code current() {
        Code c = shown;
        if (c != null && repository.codeOpen(hash(c.code()), clock.instant())) {
            return c;
        }
        return issue();
    }

    /** Handles {@code /pair CODE} from a user of {@code platform}'s channel; returns the answer to send them. */
    public String redeem(String platform, long userId, String displayName, String code) {
        Instant now = clock.instant();
        if (repository.failuresSince(userId, now.minus(FAILURE_WINDOW)) >= MAX_FAILURES) {
            return "Too many wrong codes. Try again in an hour.";
        }
        if (code == null || code.isBlank()) {
            return "Send /pair followed by the code shown in the console or the agent's log.";
        }
        MasterRepository.Redeemed r = repository.redeem(hash(code), platform, userId, displayName, now);
        if (r == MasterRepository.Redeemed.UNKNOWN || r == MasterRepository.Redeemed.USED) {
            repository.recordFailure(userId, now);
        }
        return switch (r) {
            case PAIRED -> "Paired: you are now a Master of this agent. Send /help to see what I can do.";
            case ALREADY_MASTER -> "You are already a Master.";
            case USED -> "This code was already used. Get a new one from the console.";
            case EXPIRED -> "This code has expired. Get a new one from the console.";
            case UNKNOWN -> "Wrong code.";
        };
    }

    /** Codes are compared without case, dashes or spaces. */
    static String hash(String code) {
        String normal = code.toUpperCase(Locale.ROOT).replaceAll("[\\s-]", "");
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(normal.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
