package dev.serveragent.channel;

import java.util.List;
import java.util.Optional;

/**
 * How one channel names its Masters ({@code masters.Masters} asks every channel's): its user ids
 * listed in the configuration, the users paired through it ({@code /pair CODE}, when {@code
 * pairable}), or, for a channel whose access rules admit only the Master, everyone who reaches it.
 *
 * @param platform the channel's {@link Channel#platform()}
 * @param listed the user ids configured as Masters (a private chat's id is its user's id)
 * @param everyone every user of the channel is a Master
 * @param pairable a user may become a Master by sending a pairing code in this channel
 * @param masterChat the one chat where a channel whose every user is a Master reaches its Master
 *     (the console's conversation); empty for a channel whose Masters each have their own
 */
public record MasterNaming(String platform, List<Long> listed, boolean everyone, boolean pairable, Optional<Long> masterChat) {
    public MasterNaming {
        listed = List.copyOf(listed);
    }

    public MasterNaming(String platform, List<Long> listed, boolean everyone, boolean pairable) {
        this(platform, listed, everyone, pairable, Optional.empty());
    }

    /** A channel whose access rules admit only the Master (the console behind its token). */
    public static MasterNaming everyone(String platform) {
        return new MasterNaming(platform, List.of(), true, false);
    }

    /** Like {@link #everyone(String)}, for a channel with one conversation, {@code chat}, where the agent reaches its Master. */
    public static MasterNaming everyone(String platform, long chat) {
        return new MasterNaming(platform, List.of(), true, false, Optional.of(chat));
    }

    /** A channel whose Masters are the {@code listed} users and those paired through it. */
    public static MasterNaming listedOrPaired(String platform, List<Long> listed) {
        return new MasterNaming(platform, listed, false, true);
    }

    /** A channel whose Masters are the {@code listed} users only. */
    public static MasterNaming listed(String platform, List<Long> listed) {
        return new MasterNaming(platform, listed, false, false);
    }
}
