package dev.serveragent.channel.contract;

import dev.serveragent.channel.Channel;
import dev.serveragent.channel.ChannelPlugin;
import dev.serveragent.channel.ChannelPort;
import dev.serveragent.channel.MasterNaming;
import dev.serveragent.channel.Press;
import dev.serveragent.store.InboxRepository;
import dev.serveragent.store.OutboxRepository;
import dev.serveragent.store.OutboxRepository.Outgoing;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A third channel that lives only in the tests, added through the port alone ({@link
 * ChannelPlugin}): a "chat" in memory. Its users write with {@link #say}, press with {@link
 * #press}; its sender claims its own platform's rows whenever it is woken and records them in
 * {@link #delivered}. Its Masters: the one listed user.
 */
final class LoopbackChannel implements Channel, ChannelPlugin {
    static final String PLATFORM = "loopback";
    static final long MASTER = 7001;
    static final long STRANGER = 7002;

    /** A message this channel's sender delivered: the stored row and what it carried. */
    record Delivered(long rowId, long chatId, String text, String replyMarkupJson) {}

    final List<Delivered> delivered = new CopyOnWriteArrayList<>();
    final List<Long> buttonsRemoved = new CopyOnWriteArrayList<>();
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile ChannelPort port;

    /** Its migration: the platform joins {@code chat_threads}'s check (a real channel ships a Flyway migration). */
    static void migrate(TestDatabase db) {
        db.jdbi().useHandle(h -> h.execute("""
                alter table chat_threads drop constraint chat_threads_platform_check,
                    add constraint chat_threads_platform_check check (platform in ('telegram', 'console', 'loopback'))"""));
    }

    @Override
    public MasterNaming masters() {
        return MasterNaming.listed(PLATFORM, List.of(MASTER));
    }

    @Override
    public Channel open(ChannelPort port) {
        this.port = port;
        return this;
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    public String describe() {
        return "the loopback test channel";
    }

    @Override
    public OutboxRepository.Delivery delivery() {
        return OutboxRepository.Delivery.SENDER;
    }

    /** {@code user} writes {@code text} in their private chat (its chat id is their user id). */
    InboxRepository.Received say(long user, String text) {
        Instant now = port.clock().instant();
        return port.inbox().receive(new InboxRepository.Incoming(PLATFORM, user, "private", ids.incrementAndGet(), user, text, now), now);
    }

    /** {@code user} presses a button carrying {@code data} in {@code threadId}; returns the answer shown. */
    String press(long user, long threadId, String data) {
        String id = "loopback-press-" + ids.incrementAndGet();
        port.presses().onPress(new Press(PLATFORM, id, threadId, user, data));
        return answers.remove(id);
    }

    @Override
    public void answerPress(Press press, String text) {
        answers.put(press.pressId(), text == null ? "" : text);
    }

    @Override
    public void edited(long chatId, long platformMessageId, String text) {
        // shown at once: nothing kept
    }

    @Override
    public void buttonRemoved(long chatId, long platformMessageId) {
        buttonsRemoved.add(platformMessageId);
    }

    @Override
    public void wake() {
        Thread.ofVirtual().start(this::drain);
    }

    /** The sender: claims this platform's due rows only, "sends" them, records the send. */
    private synchronized void drain() {
        OutboxRepository outbox = port.outbox();
        for (List<Outgoing> batch; !(batch = claim(outbox)).isEmpty(); ) {
            for (Outgoing o : batch) {
                delivered.add(new Delivered(o.id(), o.chatId(), o.text(), o.replyMarkupJson()));
                Instant now = port.clock().instant();
                outbox.markSent(o, o.id(), now, now);
            }
        }
    }

    private List<Outgoing> claim(OutboxRepository outbox) {
        Instant now = port.clock().instant();
        return outbox.claim(PLATFORM, 10, now, now.plus(Duration.ofMinutes(1)));
    }
}
