package dev.serveragent.report;

import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.budget.CostReport;
import dev.serveragent.proactive.MasterChannel;
import dev.serveragent.runtime.Loop;
import dev.serveragent.store.DailyReportRepository;
import dev.serveragent.store.LedgerRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the Master the {@code /cost} summary once a day at {@code DAILY_REPORT_AT} (UTC). Of
 * several replicas exactly one sends a given day's report ({@link DailyReportRepository#claim});
 * a replica started after the time sends that day's report at once if none went out yet. The
 * {@link Loop} checks every {@link #CHECK_EVERY}; tests move the clock and call {@link #runDue()}.
 * A report whose claim succeeded but whose outbox write then failed is not retried that day
 * (logged): one missed summary is better than two.
 */
public final class DailyReport implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(DailyReport.class);
    static final Duration CHECK_EVERY = Duration.ofSeconds(30);

    private final LocalTime at;
    private final LedgerRepository ledger;
    private final DailyReportRepository reports;
    private final MasterChannel master;
    private final Clock clock;
    private volatile LocalDate lastSent;
    private final Loop loop;

    public DailyReport(LocalTime at, LedgerRepository ledger, DailyReportRepository reports, MasterChannel master, Clock clock) {
        this.at = at;
        this.ledger = ledger;
        this.reports = reports;
        this.master = master;
        this.clock = clock;
        this.loop = Loop.named("daily-report", () -> runDue() ? Loop.Next.worked(CHECK_EVERY) : Loop.Next.idle(CHECK_EVERY))
                .onError(CHECK_EVERY, CHECK_EVERY).describedAs("Daily report check").build();
    }

    /** Sends today's report if its time has come and no replica has sent it; true when this call sent it. */
    public boolean runDue() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (today.equals(lastSent) || now.isBefore(today.atTime(at).toInstant(ZoneOffset.UTC))) {
            return false;
        }
        lastSent = today;
        if (!reports.claim(today, now)) {
            return false; // another replica (or this one before a restart) has sent it
        }
        master.send("Daily report\n" + CostReport.text(ledger, now));
        log.info("Daily cost report for {} sent", today);
        return true;
    }

    @Override
    public void start() {
        if (!loop.running()) {
            loop.start();
            log.info("Daily cost report at {} UTC", at);
        }
    }

    @Override
    public void stop() {
        loop.stop();
    }

    /** The loop (tests: {@link Loop#awaitIdle}). */
    public Loop loop() {
        return loop;
    }
}
