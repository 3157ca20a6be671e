package dev.serveragent.channel.contract;

import static org.awaitility.Awaitility.await;

import dev.serveragent.testing.AgentHarness;
import dev.serveragent.testing.FakeTelegram;
import java.util.Optional;

/** The channel contract on Telegram: the webhook in, the fake Bot API out. */
class TelegramContractTest extends ChannelContract {
    @Override
    Driver driver(AgentHarness h) {
        return new Driver() {
            @Override
            public String platform() {
                return "telegram";
            }

            @Override
            public long master() {
                return AgentHarness.MASTER; // listed in MASTER_CHAT_IDS
            }

            @Override
            public Optional<Long> stranger() {
                return Optional.of(AgentHarness.STRANGER);
            }

            @Override
            public void say(long user, String text) {
                h.say(user, text); // a private chat: its id is the user's
            }

            @Override
            public Ack awaitAck() {
                FakeTelegram.Call call = await().atMost(AgentHarness.WAIT).until(
                        () -> h.sent().stream().filter(c -> c.param("reply_markup") != null).findFirst(), Optional::isPresent).get();
                try {
                    return ack(call.param("text"), AgentHarness.JSON.readTree(call.param("reply_markup")));
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public String press(long user, Ack ack) {
                int before = h.telegram.calls("answerCallbackQuery").size();
                h.press(user, user, h.telegramIdOf(ack.text()), ack.data());
                return h.awaitCall("answerCallbackQuery", before + 1).param("text");
            }

            @Override
            public void awaitDelivered(String text) {
                await().atMost(AgentHarness.WAIT).until(() -> h.sent().stream().anyMatch(c -> c.param("text").contains(text)));
            }
        };
    }
}
