package dev.serveragent.masters;

import dev.serveragent.channel.MasterNaming;
import dev.serveragent.store.MasterRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who the Masters are, the one source every capability asks. Each channel names its own
 * ({@link MasterNaming}): the user ids listed in the configuration, the users paired through it
 * since (in the database, so every replica and the separate deploy process agree at once), or
 * everyone who reaches it (a channel whose access rules admit only the Master). Ingestion (whose
 * media is fetched), approvals and commands (whose message or press acts), the dashboard's list
 * and the deploy reports (who is told) all ask here. Thread-safe.
 */
public final class Masters {
    /** {@code source} of a Master listed in the configuration. */
    public static final String LISTED = "config";
    /** {@code source} of a Master paired through a channel (the {@code masters.source} column's value). */
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

    private final List<MasterNaming> namings;
    private final MasterRepository repository;
    private final Clock clock;

    /** @param namings how each channel names its Masters; a platform named by none has none */
    public Masters(List<MasterNaming> namings, MasterRepository repository, Clock clock) {
        this.namings = List.copyOf(namings);
        this.repository = repository;
        this.clock = clock;
    }

    public boolean isMaster(String platform, Long userId) {
        if (userId == null) {
            return false;
        }
        return naming(platform).map(n -> n.everyone() || n.listed().contains(userId)
                || (n.pairable() && repository.isActive(platform, userId))).orElse(false);
    }

    /** Whether a user may become a Master by sending a pairing code in {@code platform}'s channel. */
    public boolean pairs(String platform) {
        return naming(platform).map(MasterNaming::pairable).orElse(false);
    }

    /**
     * Whether any Master who must be listed or paired is known (else pairing is offered); the
     * Master of a channel whose every user is one does not count.
     */
    public boolean anyListedOrPaired() {
        return namings.stream().filter(n -> !n.everyone())
                .anyMatch(n -> !n.listed().isEmpty() || (n.pairable() && !repository.active(n.platform()).isEmpty()));
    }

    /** The platforms whose every user is a Master (their access rules admit only the Master). */
    public List<String> everyoneIn() {
        return namings.stream().filter(MasterNaming::everyone).map(MasterNaming::platform).toList();
    }

    /** The listed Masters first, then the paired ones, oldest first, channel by channel. */
    public List<Entry> list() {
        List<Entry> all = new ArrayList<>();
        for (MasterNaming n : namings) {
            n.listed().forEach(id -> all.add(new Entry(n.platform(), id, null, LISTED)));
            if (n.pairable()) {
                repository.active(n.platform()).stream()
                        .filter(m -> !n.listed().contains(m.userId()))
                        .forEach(m -> all.add(new Entry(n.platform(), m.userId(), m.displayName(), PAIRED)));
            }
        }
        return all;
    }

    /**
     * Every listed or paired Master these namings name, each once: for a {@code Masters} of one
     * channel's naming (the deploy process is given Telegram's alone, to tell through its Bot API).
     */
    public List<Long> recipients() {
        return list().stream().map(Entry::userId).distinct().toList();
    }

    /**
     * The users of {@code platform} to tell (a deploy report): the listed ones, then the paired
     * ones. In a private chat the chat id is the user id, and a paired Master has written to the bot.
     */
    public List<Long> recipients(String platform) {
        return list().stream().filter(e -> e.platform().equals(platform)).map(Entry::userId).distinct().toList();
    }

    /** For the dashboard: every paired Master, newest first and revoked ones too, then the listed ones. */
    public List<Row> history() {
        List<Row> rows = new ArrayList<>();
        repository.history(HISTORY_LIMIT).forEach(m -> rows.add(new Row(m.userId(), m.platform(), m.addedAt(), m.revokedAt(), PAIRED)));
        namings.forEach(n -> n.listed().stream().distinct().forEach(id -> rows.add(new Row(id, n.platform(), null, null, LISTED))));
        return rows;
    }

    /**
     * The chat where the agent reaches {@code platform}'s Master on its own, if any: a channel's
     * one Master conversation (the console's), else the private chat of its first Master (in a
     * private chat the chat id is the user id).
     */
    public Optional<Long> masterChat(String platform) {
        Optional<Long> own = naming(platform).flatMap(MasterNaming::masterChat);
        return own.isPresent() ? own : first(platform);
    }

    /** The user of {@code platform} to tell things first, if any (the first listed, else the first paired). */
    public Optional<Long> first(String platform) {
        return recipients(platform).stream().findFirst();
    }

    /**
     * Revokes a paired Master. A listed one cannot be: it comes back with every start, so the
     * answer says to remove it from {@code MASTER_CHAT_IDS}.
     */
    public String revoke(long userId, String by) {
        if (namings.stream().anyMatch(n -> n.listed().contains(userId))) {
            return "User " + userId + " is listed in MASTER_CHAT_IDS: remove it there and restart to revoke it.";
        }
        Instant now = clock.instant();
        boolean revoked = false;
        for (MasterNaming n : namings) {
            revoked |= n.pairable() && repository.revoke(n.platform(), userId, by, now);
        }
        return revoked ? "User " + userId + " is no longer a Master." : "User " + userId + " is not a paired Master.";
    }

    private Optional<MasterNaming> naming(String platform) {
        return namings.stream().filter(n -> n.platform().equals(platform)).findFirst();
    }
}
