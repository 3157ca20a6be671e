package dev.serveragent.agenda;

import dev.serveragent.config.AgendaConfig;
import dev.serveragent.store.ScheduleRepository;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The service behind the tools {@code schedule}, {@code list_schedules} and
 * {@code cancel_schedule}, and the {@code /schedules} command. Every argument is checked before
 * anything is written: a refused request ({@link AgendaException}) leaves no row. A schedule
 * belongs to the thread of the caller's {@link Scope}: it fires there, and only that thread lists
 * or cancels it. A proactive run may list, not schedule or cancel. Thread-safe.
 */
public final class Schedules {
    /** Longest reminder text or task prompt. */
    public static final int MAX_TEXT = 4000;
    /** A thread's active schedules at most. */
    public static final int MAX_ACTIVE_PER_THREAD = 1000;
    /** The shortest interval between two firings of a recurring schedule. */
    public static final Duration MIN_INTERVAL = Duration.ofMinutes(5);
    /** How far ahead a one-shot may be set. */
    public static final Duration MAX_AHEAD = Duration.ofDays(366 * 10);

    /**
     * A schedule to create.
     *
     * @param kind {@code reminder} or {@code task}
     * @param text the reminder's words, or the task's prompt
     * @param at one-shot: an ISO-8601 date-time, with an offset ({@code 2026-12-07T09:00:00+01:00},
     *     {@code …Z}) or without one ({@code 2026-12-07T09:00}, read in {@code timeZone})
     * @param cron recurring: 5-field Unix cron, read in {@code timeZone}
     * @param timeZone an IANA zone; empty: the Master's ({@link MasterZone})
     * @param tokenCeiling a task's own token ceiling; empty: {@code SCHEDULE_TASK_TOKEN_CEILING}
     */
    public record Request(String kind, String text, Optional<String> at, Optional<String> cron, Optional<String> timeZone,
            Optional<Long> tokenCeiling) {
        public static Request reminderAt(String text, String at) {
            return new Request(Schedule.REMINDER, text, Optional.of(at), Optional.empty(), Optional.empty(), Optional.empty());
        }

        public static Request reminderCron(String text, String cron, String zone) {
            return new Request(Schedule.REMINDER, text, Optional.empty(), Optional.of(cron), Optional.ofNullable(zone), Optional.empty());
        }
    }

    private final ScheduleRepository repository;
    private final MasterZone masterZone;
    private final AgendaConfig config;
    private final Clock clock;
    private volatile Runnable onCreated = () -> {};

    public Schedules(ScheduleRepository repository, MasterZone masterZone, AgendaConfig config, Clock clock) {
        this.repository = repository;
        this.masterZone = masterZone;
        this.config = config;
        this.clock = clock;
    }

    /** Told after each new schedule is stored (the firing loop re-reads its next due time). */
    public void onCreated(Runnable listener) {
        onCreated = listener;
    }

    /** Creates a schedule in the caller's thread; its first firing is in the result. */
    public Schedule schedule(Scope scope, Request r) {
        if (scope.proactive()) {
            throw AgendaException.notAllowed("a proactive run cannot schedule: it may only notify and propose");
        }
        String kind = kind(r.kind());
        if (kind.equals(Schedule.TASK) && !scope.startsWork()) {
            throw AgendaException.notAllowed("a question run may set reminders; a scheduled task runs commands later without an OK,"
                    + " so only a command run (after the Master's OK) or the Master's own command sets one");
        }
        String text = text(r.text(), kind);
        if (r.at().isPresent() == r.cron().isPresent()) {
            throw AgendaException.invalid("give either 'at' (once) or 'cron' (recurring), not " + (r.at().isPresent() ? "both" : "neither"));
        }
        ZoneId zone = r.timeZone().filter(z -> !z.isBlank()).map(Schedules::zone).orElseGet(masterZone::current);
        Optional<Long> ceiling = ceiling(kind, r.tokenCeiling());
        Instant now = clock.instant();
        Optional<Instant> at = r.at().map(a -> at(a, zone, now));
        Optional<CronRule> cron = r.cron().map(CronRule::parse);
        Instant first = at.orElseGet(() -> firstOf(cron.get(), zone, now));
        if (repository.countActive(scope.threadId()) >= MAX_ACTIVE_PER_THREAD) {
            throw AgendaException.invalid("this chat already has " + MAX_ACTIVE_PER_THREAD + " open (active or paused) schedules; cancel some first");
        }
        ScheduleRepository.Row row = repository.insert(new ScheduleRepository.NewRow(scope.threadId(), kind, text, at,
                cron.map(CronRule::expression), zone.getId(), ceiling, first), now);
        onCreated.run();
        return Schedule.of(row);
    }

    /** The caller's thread's open schedules (active or paused), soonest first. */
    public List<Schedule> list(Scope scope) {
        return repository.active(scope.threadId(), MAX_ACTIVE_PER_THREAD).stream().map(Schedule::of).toList();
    }

    /** Cancels an open (active or paused) schedule of the caller's thread; refused when there is none with that id there. */
    public Schedule cancel(Scope scope, long id) {
        if (scope.proactive()) {
            throw AgendaException.notAllowed("a proactive run cannot cancel schedules: it may only notify and propose");
        }
        return repository.cancel(id, scope.threadId(), clock.instant()).map(Schedule::of).orElseThrow(() -> {
            Optional<ScheduleRepository.Row> found = repository.find(id).filter(s -> s.threadId() == scope.threadId());
            return found.isPresent()
                    ? AgendaException.notFound("schedule #" + id + " is already " + found.get().status())
                    : AgendaException.notFound("no schedule #" + id + " in this chat");
        });
    }

    /** Every chat's open (active or paused) schedules, soonest first, at most {@code limit}: the agenda page's listing. */
    public List<Schedule> listAll(int limit) {
        return repository.open(limit).stream().map(Schedule::of).toList();
    }

    /** The schedule {@code id} in any state, in any chat (the agenda page acts on it in its own chat's scope). */
    public Optional<Schedule> find(long id) {
        return repository.find(id).map(Schedule::of);
    }

    /**
     * Pauses an active schedule of the caller's thread: the firing loop skips it until it is
     * resumed; it keeps its next due time. Refused (with its state) when it is not active.
     */
    public Schedule pause(Scope scope, long id) {
        if (scope.proactive()) {
            throw AgendaException.notAllowed("a proactive run cannot pause schedules: it may only notify and propose");
        }
        return repository.pause(id, scope.threadId(), clock.instant()).map(Schedule::of)
                .orElseThrow(() -> notOpen(scope, id, "paused"));
    }

    /**
     * Resumes a paused schedule of the caller's thread. A recurring one fires next at its first
     * time after now (the times it was paused over are not made up); a one-shot whose time passed
     * while it was paused fires at once, else at its time. Refused (with its state) when it is not
     * paused; resuming a scheduled task starts work again, so only a scope that may start work does.
     */
    public Schedule resume(Scope scope, long id) {
        if (scope.proactive()) {
            throw AgendaException.notAllowed("a proactive run cannot resume schedules: it may only notify and propose");
        }
        Instant now = clock.instant();
        ScheduleRepository.Row row = repository.find(id).filter(r -> r.threadId() == scope.threadId())
                .orElseThrow(() -> AgendaException.notFound("no schedule #" + id + " in this chat"));
        if (!row.status().equals("paused")) {
            throw AgendaException.notFound("schedule #" + id + " is not paused: it is " + row.status());
        }
        if (row.kind().equals(Schedule.TASK) && !scope.startsWork()) {
            throw AgendaException.notAllowed("a scheduled task runs commands later without an OK: only the Master resumes one");
        }
        Instant stored = row.nextFireAt().orElse(now);
        Instant next;
        if (row.cron().isPresent() && !stored.isAfter(now)) {
            next = CronRule.parse(row.cron().get()).next(now, zone(row.timeZone())).orElseThrow(() -> AgendaException.invalid(
                    "cron '" + row.cron().get() + "' never fires again: cancel schedule #" + id));
        } else {
            next = stored.isAfter(now) ? stored : now;
        }
        Schedule resumed = repository.resume(id, scope.threadId(), next, now).map(Schedule::of)
                .orElseThrow(() -> notOpen(scope, id, "active"));
        onCreated.run();
        return resumed;
    }

    /** Why {@code id} could not be moved: its state when it is the thread's, else that there is none. */
    private AgendaException notOpen(Scope scope, long id, String already) {
        Optional<ScheduleRepository.Row> found = repository.find(id).filter(s -> s.threadId() == scope.threadId());
        if (found.isEmpty()) {
            return AgendaException.notFound("no schedule #" + id + " in this chat");
        }
        String status = found.get().status();
        return AgendaException.notFound("schedule #" + id + (status.equals(already) ? " is already " : " is ") + status);
    }

    private static String kind(String kind) {
        String k = kind == null ? "" : kind.strip().toLowerCase(Locale.ROOT);
        if (!k.equals(Schedule.REMINDER) && !k.equals(Schedule.TASK)) {
            throw AgendaException.invalid("kind must be 'reminder' (a fixed text sent at the time) or 'task' (a prompt run"
                    + " by Claude Code at the time), got '" + kind + "'");
        }
        return k;
    }

    private static String text(String text, String kind) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw AgendaException.invalid(kind.equals(Schedule.TASK) ? "the task's prompt is empty" : "the reminder's text is empty");
        }
        if (t.length() > MAX_TEXT) {
            throw AgendaException.invalid("the text is " + t.length() + " characters; at most " + MAX_TEXT);
        }
        return t;
    }

    private Optional<Long> ceiling(String kind, Optional<Long> asked) {
        if (kind.equals(Schedule.REMINDER)) {
            if (asked.isPresent()) {
                throw AgendaException.invalid("a reminder uses no model: token_ceiling is only for kind 'task'");
            }
            return Optional.empty();
        }
        long c = asked.orElse(config.taskTokenCeiling());
        if (c < 1_000 || c > AgendaConfig.MAX_TASK_TOKEN_CEILING) {
            throw AgendaException.invalid("token_ceiling must be between 1000 and " + AgendaConfig.MAX_TASK_TOKEN_CEILING + ", got " + c);
        }
        return Optional.of(c);
    }

    static ZoneId zone(String name) {
        return MasterZone.parse(name).orElseThrow(() -> AgendaException.invalid(
                "time_zone '" + name + "' is not a time zone; use an IANA name such as Europe/Berlin or UTC"));
    }

    /** A one-shot's instant: with its own offset, or a wall time in {@code zone}; never in the past. */
    static Instant at(String raw, ZoneId zone, Instant now) {
        String s = raw.strip().replace(' ', 'T');
        Instant at;
        try {
            at = OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                at = ZonedDateTime.ofLocal(LocalDateTime.parse(s), zone, null).toInstant();
            } catch (DateTimeException e) {
                throw AgendaException.invalid("at '" + raw + "' is not an ISO-8601 date-time such as 2026-12-07T09:00"
                        + " (in the time zone) or 2026-12-07T09:00:00+01:00");
            }
        }
        if (at.isBefore(now)) {
            throw AgendaException.invalid("at '" + raw + "' is in the past (it is now " + Schedule.shown(now, zone) + ")");
        }
        if (at.isAfter(now.plus(MAX_AHEAD))) {
            throw AgendaException.invalid("at '" + raw + "' is more than 10 years ahead");
        }
        return at;
    }

    private static Instant firstOf(CronRule cron, ZoneId zone, Instant now) {
        Instant first = cron.next(now, zone).orElseThrow(() -> AgendaException.invalid(
                "cron '" + cron.expression() + "' never fires (no such date ahead)"));
        // Every firing ahead, not just the first two: "0,30-35 9 * * 1" starts 30 minutes apart, then fires every minute.
        cron.minimalGap(now).ifPresent(gap -> {
            if (gap.compareTo(MIN_INTERVAL) < 0) {
                throw AgendaException.invalid("cron '" + cron.expression() + "' fires more often than every "
                        + MIN_INTERVAL.toMinutes() + " minutes (" + gap.toMinutes() + " minute(s) apart at its closest)");
            }
        });
        return first;
    }
}
