package dev.serveragent.channel;

/**
 * A channel added to the agent as a whole: how it names its Masters and how it is built on the
 * pipeline's {@link ChannelPort}. The composition root opens every plugin once at start, registers
 * the channel it returns with {@link Channels} (so the outbox delivers its threads' rows as it
 * says, and presses are answered in it) and its naming with {@code masters.Masters}. Telegram and
 * the console are wired by the root itself the same way; a test adds a third channel through this
 * without touching anything else (docs/ARCHITECTURE.md, "Adding a channel").
 */
public interface ChannelPlugin {
    /** How this channel names its Masters. */
    MasterNaming masters();

    /**
     * Builds the channel: its ingestion stores what arrives through {@link ChannelPort#inbox()}
     * (or a repository of its own), tells presses to {@link ChannelPort#presses()}, and its sender,
     * if it has one, claims only its own platform's rows of {@link ChannelPort#outbox()}.
     */
    Channel open(ChannelPort port);
}
