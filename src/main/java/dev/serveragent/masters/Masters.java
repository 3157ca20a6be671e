package dev.serveragent.masters;

import dev.serveragent.channel.Channel;
import dev.serveragent.store.Database;
import dev.serveragent.store.MasterRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Who the Masters are, the one source every capability asks: the Telegram user ids of {@code
 * MASTER_CHAT_IDS}, the Telegram users paired since (in the database, so every replica and the
 * separate deploy process agree at once), and the console's user (the console's access rules
 * admit only the Master). Ingestion (whose media is fetched), approvals and commands (whose
 * message or press acts), the dashboard's list and the deploy reports (who is told) all ask
 * here. Thread-safe.
 */
public final class Masters {
    /** {@code source} of a Master listed in {@code MASTER_CHAT_IDS}. */
    public static final String LISTED = "config";
    /** {@code source} of a Master paired from Telegram (the {@code masters.source} column's value). */
    public static final String PAIRED = "paired";

    /** One Master, for listings. {@code source}: {@link #LISTED} or {@link #PAIRED}. */
    public record Entry(String platform, long userId, String name, String source) {}

    /**
     * One row of the dashboard's list: a paired Master (revoked ones with their date) or a listed
     * one ({@code source} {@code config}, no dates).
     */
    public record Row(long userId, String platform, Instant addedAt, Instant revokedAt, String source) {}

    /** The dashboard shows at most this many paired Masters. */
    static final int HISTORY_LIMIT = 200;

    private final List<Long> listed;
    private final MasterRepository repository;
    private final Clock clock;

    /** The Masters of {@code listed} and of {@code database} (for the deploy process, which has no agent). */
    public static Masters of(List<Long> listed, Database database, Clock clock) {
        return new Masters(listed, new MasterRepository(database.jdbi()), clock);
    }

    public Masters(List<Long> listed, MasterRepository repository, Clock clock) {
        this.listed = List.copyOf(listed);
        this.repository = repository;
        this.clock = clock;
    }

    public boolean isMaster(String platform, Long userId) {
        if (userId == null) {
            return false;
        }
        return switch (platform) {
            case Channel.CONSOLE -> true;
            case Channel.TELEGRAM -> listed.contains(userId) || repository.isActive(Channel.TELEGRAM, userId);
            default -> false;
        };
    }

    /** Whether any Telegram Master is known (else pairing is offered). */
    public boolean anyTelegramMaster() {
        return !listed.isEmpty() || !repository.active(Channel.TELEGRAM).isEmpty();
    }

    /** The listed Masters first, then the paired ones, oldest first. */
    public List<Entry> list() {
        List<Entry> all = new ArrayList<>();
        listed.forEach(id -> all.add(new Entry(Channel.TELEGRAM, id, null, LISTED)));
        repository.active(Channel.TELEGRAM).stream()
                .filter(m -> !listed.contains(m.userId()))
                .forEach(m -> all.add(new Entry(Channel.TELEGRAM, m.userId(), m.displayName(), PAIRED)));
        return all;
    }

    /**
     * The Telegram users to tell (a deploy report): the listed ones, then the paired ones. In a
     * private chat the chat id is the user id, and a paired Master has written to the bot.
     */
    public List<Long> telegramRecipients() {
        return list().stream().map(Entry::userId).distinct().toList();
    }

    /** For the dashboard: every paired Master, newest first and revoked ones too, then the listed ones. */
    public List<Row> history() {
        List<Row> rows = new ArrayList<>();
        repository.history(HISTORY_LIMIT).forEach(m -> rows.add(new Row(m.userId(), m.platform(), m.addedAt(), m.revokedAt(), PAIRED)));
        listed.stream().distinct().forEach(id -> rows.add(new Row(id, Channel.TELEGRAM, null, null, LISTED)));
        return rows;
    }

    /** The Telegram user to tell things first, if any (the first listed, else the first paired). */
    public java.util.Optional<Long> firstTelegramMaster() {
        return list().stream().map(Entry::userId).findFirst();
    }

    /**
     * Revokes a paired Master. A listed one cannot be: it comes back with every start, so the
     * answer says to remove it from {@code MASTER_CHAT_IDS}.
     */
    public String revoke(long userId, String by) {
        if (listed.contains(userId)) {
            return "User " + userId + " is listed in MASTER_CHAT_IDS: remove it there and restart to revoke it.";
        }
        return repository.revoke(Channel.TELEGRAM, userId, by, clock.instant())
                ? "User " + userId + " is no longer a Master."
                : "User " + userId + " is not a paired Master.";
    }
}
