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

    /** Days scanned for two matching days in a row (a firing late on one and early on the next): four years, one leap day. */
    private static final int DAYS_SCANNED = 4 * 366;

    /**
     * The shortest wall-clock gap between any two consecutive firings, from the rule's fields rather
     * than from a few firings (a rule such as {@code 0,30-35 9 * * 1} is far apart at first and then
     * fires every minute). Within an hour: the closest two matching minutes. Across an hour: the last
     * matching minute to the first of the next hour, when two consecutive hours match (23 and 0 only
     * when two consecutive days match within {@value #DAYS_SCANNED} days of {@code from}). A DST gap
     * never brings two firings closer than this (a skipped wall time fires after the gap). Empty for a
     * rule that fires at most once a day at one time.
     */
    Optional<java.time.Duration> minimalGap(Instant from) {
        String[] f = expression.split(" ");
        ExecutionTime minutes = ExecutionTime.forCron(PARSER.parse(f[0] + " * * * *"));
        ExecutionTime hours = ExecutionTime.forCron(PARSER.parse("0 " + f[1] + " * * *"));
        ExecutionTime days = ExecutionTime.forCron(PARSER.parse("0 0 " + f[2] + " " + f[3] + " " + f[4]));
        ZonedDateTime day = LocalDateTime.ofInstant(from, ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC);
        java.util.List<Integer> m = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            if (minutes.isMatch(day.withMinute(i))) {
                m.add(i);
            }
        }
        boolean[] h = new boolean[24];
        for (int i = 0; i < 24; i++) {
            h[i] = hours.isMatch(day.withHour(i));
        }
        int gap = Integer.MAX_VALUE;
        for (int i = 1; i < m.size(); i++) {
            gap = Math.min(gap, m.get(i) - m.get(i - 1));
        }
        boolean nextHour = false;
        for (int i = 0; i < 23; i++) {
            nextHour |= h[i] && h[i + 1];
        }
        if (!nextHour && h[23] && h[0]) {
            boolean previous = days.isMatch(day);
            for (int i = 1; i <= DAYS_SCANNED && !nextHour; i++) {
                boolean match = days.isMatch(day.plusDays(i));
                nextHour = previous && match;
                previous = match;
            }
        }
        if (nextHour && !m.isEmpty()) {
            gap = Math.min(gap, 60 - m.getLast() + m.getFirst());
        }
        return gap == Integer.MAX_VALUE ? Optional.empty() : Optional.of(java.time.Duration.ofMinutes(gap));
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
