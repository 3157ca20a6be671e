package dev.serveragent.channel;

import dev.serveragent.store.Database;
import dev.serveragent.store.InboxRepository;
import dev.serveragent.store.OutboxRepository;
import java.time.Clock;

/**
 * What the pipeline gives a channel ({@link ChannelPlugin#open}).
 *
 * @param database for a channel's own repositories (its own tables)
 * @param inbox stores an incoming message with its classify job, exactly once
 * @param outbox the stored replies; a channel's sender claims only its own platform's rows
 * @param presses told of every button press after the channel has it
 * @param clock the agent's clock
 */
public record ChannelPort(Database database, InboxRepository inbox, OutboxRepository outbox, PressListener presses, Clock clock) {}
