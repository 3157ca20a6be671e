package dev.serveragent.channel.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.serveragent.channel.Channel;
import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.ConsoleClient;
import java.util.Optional;

/** The channel contract on the browser console: its API in, its live feed out. */
class ConsoleContractTest extends ChannelContract {
    @Override
    Driver driver(AgentHarness h) {
        ConsoleClient console = ConsoleClient.of(h.app);
        console.login(ADMIN);
        console.open();
        console.listen(0);
        return new Driver() {
            @Override
            public String platform() {
                return "console";
            }

            @Override
            public long master() {
                return Channel.CONSOLE_USER; // the console's access rules admit only the Master
            }

            @Override
            public Optional<Long> stranger() {
                return Optional.empty();
            }

            @Override
            public void say(long user, String text) {
                console.say(text);
            }

            @Override
            public Ack awaitAck() {
                JsonNode m = console.awaitEvent(e -> e.path("buttons").size() == 1);
                JsonNode b = m.path("buttons").get(0);
                return new Ack(m.path("text").asText(), b.path("text").asText(), b.path("data").asText());
            }

            @Override
            public String press(long user, Ack ack) {
                return console.press(ack.data());
            }

            @Override
            public void awaitDelivered(String text) {
                console.awaitEvent(e -> e.path("role").asText().equals("assistant") && e.path("text").asText().contains(text));
            }

            @Override
            public void close() {
                console.close();
            }
        };
    }
}
