package dev.serveragent.proactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.channel.Channel;
import dev.serveragent.channel.MasterNaming;
import dev.serveragent.console.ConsoleChannel;
import dev.serveragent.masters.Masters;
import dev.serveragent.masters.MastersModule;
import dev.serveragent.store.Repositories;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's own line to the Master: the first channel that is on and knows its Master's chat, in the root's order. */
class MasterChannelTest {
    TestDatabase db;
    TestClock clock = new TestClock(Instant.parse("2026-12-05T12:00:00Z"));
    Repositories repositories;
    RecordingOutbox outbox = new RecordingOutbox();

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        repositories = new Repositories(db.database(), clock);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private Masters masters(List<Long> telegramListed) {
        return MastersModule.build(List.of(MasterNaming.listedOrPaired(Channel.TELEGRAM, telegramListed), ConsoleChannel.MASTERS),
                repositories.masters(), clock).masters();
    }

    private long thread(String platform, long chat) {
        return repositories.threads().findOrCreate(platform, chat);
    }

    @Test
    void telegrams_first_master_when_known_else_the_console() {
        List<String> both = List.of(Channel.TELEGRAM, Channel.CONSOLE);
        MasterChannel known = new MasterChannel(outbox, masters(List.of(42L, 43L)), both, repositories.threads());
        assertThat(known.threadId()).contains(thread(Channel.TELEGRAM, 42));
        assertThat(known.send("hello")).isTrue();
        assertThat(outbox.sent).extracting(RecordingOutbox.Sent::threadId).containsExactly(thread(Channel.TELEGRAM, 42));

        MasterChannel noneYet = new MasterChannel(outbox, masters(List.of()), both, repositories.threads());
        assertThat(noneYet.threadId()).contains(thread(Channel.CONSOLE, Channel.CONSOLE_CHAT_ID));
    }

    @Test
    void only_the_channels_that_are_on() {
        MasterChannel consoleOff = new MasterChannel(outbox, masters(List.of()), List.of(Channel.TELEGRAM), repositories.threads());
        assertThat(consoleOff.threadId()).isEmpty();
        assertThat(consoleOff.send("lost")).isFalse();
        assertThat(outbox.sent).isEmpty();

        MasterChannel telegramOff = new MasterChannel(outbox, masters(List.of(42L)), List.of(Channel.CONSOLE), repositories.threads());
        assertThat(telegramOff.threadId()).contains(thread(Channel.CONSOLE, Channel.CONSOLE_CHAT_ID));
    }
}
