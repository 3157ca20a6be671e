package dev.serveragent.config;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** The optional daily cost summary sent to the Master ({@code DAILY_REPORT_AT=HH:MM}, UTC; off when unset). */
public record ReportConfig(Optional<LocalTime> dailyAt) {
    static ReportConfig from(Settings s) {
        Optional<String> v = s.optional("DAILY_REPORT_AT").map(String::strip).filter(x -> !x.isEmpty());
        if (v.isEmpty()) {
            return new ReportConfig(Optional.empty());
        }
        if (!v.get().matches("\\d{2}:\\d{2}")) {
            throw new ConfigException("DAILY_REPORT_AT must be HH:MM (UTC, 24-hour), got '" + v.get() + "'");
        }
        try {
            return new ReportConfig(Optional.of(LocalTime.parse(v.get())));
        } catch (DateTimeParseException e) {
            throw new ConfigException("DAILY_REPORT_AT must be a time of day HH:MM (UTC), got '" + v.get() + "'");
        }
    }
}
