package dev.serveragent.channel;

import dev.serveragent.store.ContextRepository;
import dev.serveragent.store.MessageRepository;
import dev.serveragent.store.OutboxRepository;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The pipeline's one handle on every channel: stores each change, then hands it to the channel
 * of the message's thread ({@code chat_threads.platform}). A thread whose channel is off (not
 * registered here) keeps the change stored and shows nothing. Thread-safe.
 */
public final class Channels implements ChannelActions {
    private final Map<String, Channel> byPlatform;
    private final MessageRepository messages;
    private final Clock clock;

    public Channels(List<Channel> channels, MessageRepository messages, Clock clock) {
        this.byPlatform = channels.stream().collect(Collectors.toUnmodifiableMap(Channel::platform, Function.identity()));
        this.messages = messages;
        this.clock = clock;
    }

    @Override
    public void answerPress(Press press, String text) {
        // The press's own channel answers it, even when the press did not say its thread.
        channel(press.platform()).ifPresent(c -> c.answerPress(press, text));
    }

    @Override
    public void edit(long messageId, String text) {
        messages.edit(messageId, text, clock.instant()).filter(MessageRepository.Placed::changed).ifPresent(p ->
                channel(p.platform()).ifPresent(c -> {
                    // Not delivered yet: the channel sends the stored text, which is now this one.
                    if (p.platformMessageId() != null) {
                        c.edited(p.chatId(), p.platformMessageId(), text);
                    }
                    c.wake();
                }));
    }

    @Override
    public void removeButton(long messageId) {
        messages.removeMarkup(messageId).filter(MessageRepository.Placed::changed).ifPresent(p ->
                channel(p.platform()).ifPresent(c -> {
                    if (p.platformMessageId() != null) {
                        c.buttonRemoved(p.chatId(), p.platformMessageId());
                    }
                    c.wake();
                }));
    }

    /** Something was stored for some thread: every channel looks now. */
    public void wakeAll() {
        byPlatform.values().forEach(Channel::wake);
    }

    /** How the platform's channel delivers stored replies; {@code NOT_SENT} for a channel that is off. */
    public OutboxRepository.Delivery delivery(String platform) {
        return channel(platform).map(Channel::delivery).orElse(OutboxRepository.Delivery.NOT_SENT);
    }

    /** How the platform's channel reads its stored payloads; none for a channel that is off. */
    public ContextRepository.PayloadReader payloads(String platform) {
        return channel(platform).map(Channel::payloads).orElse(ContextRepository.PayloadReader.NONE);
    }

    /** How the Master reads the thread's channel, for prompts; the platform name when unknown. */
    public String describe(String platform) {
        return channel(platform).map(Channel::describe).orElse(platform);
    }

    public Optional<Channel> channel(String platform) {
        return Optional.ofNullable(byPlatform.get(platform));
    }
}
