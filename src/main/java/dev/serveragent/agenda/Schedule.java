package dev.serveragent.agenda;

import dev.serveragent.store.ScheduleRepository;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * A schedule as callers see it. {@code at} (one-shot) or {@code cron} (recurring, read in
 * {@code zone}) is set; {@code nextFireAt} is empty once it has fired for the last time or was
 * canceled.
 *
 * @param kind {@code reminder} (the text is sent as it is) or {@code task} (the text is a prompt
 *     run by Claude Code in the thread, within {@code tokenCeiling})
 * @param status {@code active}, {@code paused} (kept, not fired until resumed), {@code done} or {@code canceled}
 */
public record Schedule(long id, long threadId, String kind, String text, Optional<Instant> at, Optional<String> cron, ZoneId zone,
        Optional<Long> tokenCeiling, String status, Optional<Instant> nextFireAt, int firedCount) {
    public static final String REMINDER = "reminder";
    public static final String TASK = "task";
    public static final String PAUSED = "paused";
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("EEE d MMM yyyy HH:mm", Locale.ENGLISH);

    static Schedule of(ScheduleRepository.Row r) {
        return new Schedule(r.id(), r.threadId(), r.kind(), r.text(), r.fireAt(), r.cron(), ZoneId.of(r.timeZone()), r.tokenCeiling(),
                r.status(), r.nextFireAt(), r.firedCount());
    }

    /** {@code t} as the Master reads it: "Mon 7 Dec 2026 09:00 Europe/Berlin". */
    public static String shown(Instant t, ZoneId zone) {
        return SHOWN.format(t.atZone(zone)) + " " + zone.getId();
    }

    /** When it fires, in words: "once, Mon 7 Dec 2026 09:00 Europe/Berlin" or "cron '0 9 * * 1-5' (Europe/Berlin), next …". */
    public String when() {
        String next = nextFireAt.map(t -> shown(t, zone)).orElse("no further firing");
        String when = cron.map(c -> "cron '" + c + "' (" + zone.getId() + "), next " + next).orElse("once, " + next);
        return paused() ? "paused, " + when : when;
    }

    /** Kept but not fired until resumed. */
    public boolean paused() {
        return status.equals(PAUSED);
    }

    /** One line for a listing: "#12 reminder, once, Mon 7 Dec 2026 09:00 UTC: call the bank". */
    public String line() {
        String words = text.length() > 120 ? text.substring(0, 119) + "…" : text;
        return "#" + id + " " + kind + ", " + when() + ": " + words.replace('\n', ' ');
    }
}
