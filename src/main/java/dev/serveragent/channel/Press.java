package dev.serveragent.channel;

/**
 * A press of an inline button, in any channel, told to the {@link PressListener} after it is
 * stored.
 *
 * @param platform the channel it was pressed in ({@link Channel#platform()}): its answer goes
 *     there, and that channel names who is a Master
 * @param pressId the channel's id of the press, for {@link ChannelActions#answerPress} (Telegram's
 *     callback_query id; the console's request id)
 * @param threadId the stored thread the button was shown in, or {@link #UNKNOWN_THREAD} when the
 *     channel did not say (Telegram leaves out the message of an old one)
 * @param fromUserId who pressed it (the channel's user id)
 * @param data the button's callback_data
 */
public record Press(String platform, String pressId, long threadId, long fromUserId, String data) {
    public static final long UNKNOWN_THREAD = -1;
}
