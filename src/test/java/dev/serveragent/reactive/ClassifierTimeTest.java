package dev.serveragent.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.FakeAnthropic;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acknowledgement of a scheduling request says what and when in the Master's time: Haiku is
 * given the current time in the Master's zone (MASTER_TZ, then /tz) and the Master sees its plan.
 */
class ClassifierTimeTest {
    @TempDir
    Path dataDir;

    @Test
    void haiku_gets_the_masters_current_time_in_their_zone_and_the_master_sees_what_and_when() {
        try (AgentHarness h = new AgentHarness(dataDir, "echo", Map.of("MASTER_TZ", "Europe/Berlin"))) {
            String plan = "remind you on Sun 6 Dec at 09:00 (Europe/Berlin) to call the bank";
            h.anthropic.respond(200, FakeAnthropic.message("{\"intent\":\"command\",\"summary\":\"you want a reminder\",\"plan\":"
                    + TextNode.valueOf(plan) + ",\"needs_confirmation\":false,\"confidence\":0.9}", 120, 30));
            h.say(AgentHarness.MASTER, "remind me tomorrow at 9 to call the bank");
            String ack = h.awaitSent(1).param("text");
            assertThat(ack).contains("Will: " + plan);

            String input = GroupAuthorshipTest.userText(h.anthropic.requests().getLast().body());
            Instant now = h.clock.instant();
            String berlinDay = DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.ENGLISH).format(now.atZone(ZoneId.of("Europe/Berlin")));
            assertThat(input).containsPattern("(?m)^Now: " + berlinDay + ", \\d\\d:\\d\\d in the Master's time zone, Europe/Berlin \\(UTC\\+0[12]:00\\)");
            assertThat(input).contains("remind me tomorrow at 9 to call the bank");
            assertThat(h.anthropic.requests().getLast().body().toString()).contains("what and when in the Master's time");
        }
    }

    @Test
    void a_zone_set_with_tz_is_the_one_haiku_is_given() {
        try (AgentHarness h = new AgentHarness(dataDir, "echo", Map.of("MASTER_TZ", "Europe/Berlin"))) {
            h.say(AgentHarness.MASTER, "/tz America/New_York");
            assertThat(h.awaitSent(1).param("text")).contains("America/New_York");
            h.classifyAs("command", true);
            h.say(AgentHarness.MASTER, "remind me at 5pm to leave");
            h.awaitSent(2);
            String input = GroupAuthorshipTest.userText(h.anthropic.requests().getLast().body());
            assertThat(input).containsPattern("(?m)^Now: .* in the Master's time zone, America/New_York \\(UTC-0[45]:00\\)");
        }
    }
}
