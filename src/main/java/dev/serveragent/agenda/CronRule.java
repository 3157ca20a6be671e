package dev.serveragent.agenda;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A 5-field Unix cron expression ({@code minute hour day-of-month month day-of-week}) read in a
 * time zone. cron-utils parses it and finds the next matching wall time; this class turns wall
 * times into instants itself, so the DST rules are ours and tested (ScheduleDstTest):
 * <ul>
 *   <li>a wall time the zone skips (spring forward: 02:30 in Europe/Berlin on the last Sunday of
 *       March) fires at the same time after the gap (03:30 CEST): a daily schedule is never lost;
 *   <li>a wall time the zone has twice (fall back: 02:30 on the last Sunday of October) fires once,
 *       at its first occurrence.
 * </ul>
 * cron-utils steps only in UTC (the wall times are "floated" there), where no DST exists.
 * Immutable and thread-safe.
 */
final class CronRule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    /** Bound of the search for a wall time that maps after a given instant (overlaps need at most two). */
    private static final int MAX_STEPS = 8;

    private final String expression;
    private final ExecutionTime execution;

    private CronRule(String expression, ExecutionTime execution) {
        this.expression = expression;
        this.execution = execution;
    }

    /** Parses {@code expression}; refused with words when it is not a 5-field cron. */
    static CronRule parse(String expression) {
        String e = expression == null ? "" : expression.strip().replaceAll("\\s+", " ");
        if (e.split(" ").length != 5) {
            throw AgendaException.invalid("cron '" + expression + "' must have 5 fields: minute hour day-of-month month"
                    + " day-of-week, e.g. '0 9 * * 1-5' for 09:00 on weekdays");
        }
        try {
            Cron cron = PARSER.parse(e).validate();
            return new CronRule(e, ExecutionTime.forCron(cron));
        } catch (IllegalArgumentException ex) {
            throw AgendaException.invalid("cron '" + expression + "' is not valid: " + ex.getMessage());
        }
    }

    String expression() {
        return expression;
    }

    /** The first firing strictly after {@code after}, in {@code zone}; empty when the expression never matches again. */
    Optional<Instant> next(Instant after, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(after, zone);
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<ZonedDateTime> match = execution.nextExecution(local.atZone(ZoneOffset.UTC));
            if (match.isEmpty()) {
                return Optional.empty();
            }
            LocalDateTime wall = match.get().toLocalDateTime();
            // ofLocal: a skipped wall time moves forward by the gap; a doubled one takes the earlier offset.
            ZonedDateTime at = ZonedDateTime.ofLocal(wall, zone, null);
            if (at.toInstant().isAfter(after)) {
                return Optional.of(at.toInstant());
            }
            // Only in an overlap, when `after` is in its second pass: the wall time's second occurrence may still be ahead.
            Instant later = at.withLaterOffsetAtOverlap().toInstant();
            if (later.isAfter(after)) {
                return Optional.of(later);
            }
            local = wall;
        }
        return Optional.empty();
    }
}
