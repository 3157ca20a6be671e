package dev.serveragent.agenda;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 19's review, L1: a cron's shortest gap is judged over all its firings, not its first two. */
class CronRuleGapTest {
    static final Instant NOW = Instant.parse("2026-12-07T08:00:00Z"); // a Monday

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "*/5 * * * *        | 5",
            "0 9 * * 1-5        | ",
            "0,30-35 9 * * 1    | 1",     // 30 minutes apart at first, then every minute
            "0,58 9-10 * * *    | 2",     // 09:58 then 10:00
            "0,58 0,23 * * *    | 2",     // 23:58 then 00:00 the next day
            "0,58 0,23 * * 1    | 58",    // Monday 23:58, but no Tuesday: 00:00 and 00:58 are 58 apart
            "0,55 0,23 * * *    | 5",
            "7 * * * *          | 60",
            "* 9 * * 1          | 1",
            "0 0 29 2 *         | "})
    void the_shortest_gap_comes_from_the_fields(String cron, Integer minutes) {
        assertThat(CronRule.parse(cron).minimalGap(NOW))
                .isEqualTo(minutes == null ? Optional.empty() : Optional.of(Duration.ofMinutes(minutes)));
    }
}
