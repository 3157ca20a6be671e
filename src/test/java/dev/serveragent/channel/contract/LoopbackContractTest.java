package dev.serveragent.channel.contract;

import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.AgentHarness;
import java.io.IOException;
import java.util.Optional;

/** The channel contract on a channel added through the port alone ({@link LoopbackChannel}). */
class LoopbackContractTest extends ChannelContract {
    @Override
    Driver driver(AgentHarness h) {
        return new Driver() {
            @Override
            public String platform() {
                return LoopbackChannel.PLATFORM;
            }

            @Override
            public long master() {
                return LoopbackChannel.MASTER;
            }

            @Override
            public Optional<Long> stranger() {
                return Optional.of(LoopbackChannel.STRANGER);
            }

            @Override
            public void say(long user, String text) {
                loopback.say(user, text);
            }

            @Override
            public Ack awaitAck() {
                LoopbackChannel.Delivered d = await().atMost(AgentHarness.WAIT).until(() -> loopback.delivered.stream()
                        .filter(m -> m.replyMarkupJson() != null).findFirst(), Optional::isPresent).get();
                try {
                    return ack(d.text(), AgentHarness.JSON.readTree(d.replyMarkupJson()));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public String press(long user, Ack ack) {
                long thread = h.count("select id from chat_threads where platform = 'loopback' and chat_id = " + user);
                return loopback.press(user, thread, ack.data());
            }

            @Override
            public void awaitDelivered(String text) {
                await().atMost(AgentHarness.WAIT).until(() -> loopback.delivered.stream().anyMatch(m -> m.text().contains(text)));
            }
        };
    }
}
