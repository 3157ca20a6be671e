package dev.serveragent.config;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;

/**
 * The Master's agenda: schedules and tasks (issue 19).
 *
 * @param masterZone {@code MASTER_TZ}: the Master's time zone (an IANA name such as
 *     {@code Europe/Berlin}, or {@code UTC}); cron schedules are read in it and times are shown in
 *     it. {@code /tz} stores another zone in the database, which then wins over this one (the
 *     Master's later, explicit choice); {@code /tz reset} goes back to it.
 * @param taskTokenCeiling {@code SCHEDULE_TASK_TOKEN_CEILING}: a scheduled task's run stops past
 *     this many tokens unless the schedule names its own ceiling
 * @param taskLateLimit {@code SCHEDULE_TASK_LATE_MINUTES}: a scheduled task whose firing comes
 *     later than this (the agent was down at its time) is not run on its own: the Master gets a
 *     message with OK to run it now. Reminders are always sent, marked late.
 */
public record AgendaConfig(ZoneId masterZone, long taskTokenCeiling, Duration taskLateLimit) {
    public static final ZoneId DEFAULT_MASTER_ZONE = ZoneId.of("UTC");
    public static final long DEFAULT_TASK_TOKEN_CEILING = 200_000L;
    /** The most any one scheduled run may be given. */
    public static final long MAX_TASK_TOKEN_CEILING = 5_000_000L;
    public static final Duration DEFAULT_TASK_LATE_LIMIT = Duration.ofHours(1);

    /** With the default late limit. */
    public AgendaConfig(ZoneId masterZone, long taskTokenCeiling) {
        this(masterZone, taskTokenCeiling, DEFAULT_TASK_LATE_LIMIT);
    }

    static AgendaConfig from(Settings s) {
        return new AgendaConfig(zone("MASTER_TZ", s.optional("MASTER_TZ").orElse(null)),
                s.number("SCHEDULE_TASK_TOKEN_CEILING", DEFAULT_TASK_TOKEN_CEILING, 1_000, MAX_TASK_TOKEN_CEILING),
                Duration.ofMinutes(s.number("SCHEDULE_TASK_LATE_MINUTES", DEFAULT_TASK_LATE_LIMIT.toMinutes(), 1, 7 * 24 * 60)));
    }

    /** Defaults: UTC, the default ceiling and late limit. */
    public static AgendaConfig defaults() {
        return new AgendaConfig(DEFAULT_MASTER_ZONE, DEFAULT_TASK_TOKEN_CEILING);
    }

    /** The zone named {@code raw} (null: UTC); a clear error naming the variable otherwise. */
    static ZoneId zone(String name, String raw) {
        if (raw == null) {
            return DEFAULT_MASTER_ZONE;
        }
        try {
            return ZoneId.of(raw);
        } catch (DateTimeException e) {
            throw new ConfigException(name + ": '" + raw + "' is not a time zone; use an IANA name such as Europe/Berlin,"
                    + " America/New_York or UTC");
        }
    }
}
