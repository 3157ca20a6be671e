package dev.serveragent.store;

import java.time.Instant;
import java.time.LocalDate;
import org.jdbi.v3.core.Jdbi;

/** {@code daily_reports}: which UTC days' cost report has gone out. */
public final class DailyReportRepository {
    private final Jdbi jdbi;

    public DailyReportRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Claims {@code day}'s report for this caller: true for exactly one caller, on any replica. */
    public boolean claim(LocalDate day, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("insert into daily_reports (day, sent_at) values (:day, :now) on conflict (day) do nothing")
                .bind("day", day).bind("now", now).execute()) == 1;
    }
}
