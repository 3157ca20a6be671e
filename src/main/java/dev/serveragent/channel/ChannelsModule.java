package dev.serveragent.channel;

import dev.serveragent.media.BlobStore;
import dev.serveragent.store.Repositories;
import dev.serveragent.web.Capability;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every channel behind one outbox: the built-in ones (Telegram, the console) and each
 * {@link ChannelPlugin}, opened here on the one {@link ChannelPort}. Presses of every channel
 * reach the listener given to {@link #routePresses} once the pipeline that answers them exists;
 * until then they are logged and dropped.
 */
public final class ChannelsModule implements Capability {
    private static final Logger log = LoggerFactory.getLogger(ChannelsModule.class);

    private final Channels channels;
    private final StoredOutbox outbox;
    private volatile PressListener presses = press -> log.warn("Press before start ignored: {}", press);

    private ChannelsModule(List<Channel> builtIn, List<ChannelPlugin> plugins, Repositories repositories, Optional<BlobStore> blobs,
            Clock clock) {
        List<Channel> all = new ArrayList<>(builtIn);
        ChannelPort port = new ChannelPort(repositories.database(), repositories.inbox(), repositories.outbox(),
                press -> presses.onPress(press), clock);
        plugins.forEach(p -> all.add(p.open(port)));
        this.channels = new Channels(all, repositories.messages(), clock);
        this.outbox = blobs.map(b -> new StoredOutbox(repositories.outbox(), channels, clock, b))
                .orElseGet(() -> new StoredOutbox(repositories.outbox(), channels, clock));
    }

    /**
     * @param builtIn the channels the root builds itself, in order (Telegram's first, when on)
     * @param blobs where files sent by the agent are kept ({@code send_file}); without it the outbox carries text only
     */
    public static ChannelsModule build(List<Channel> builtIn, List<ChannelPlugin> plugins, Repositories repositories,
            Optional<BlobStore> blobs, Clock clock) {
        return new ChannelsModule(builtIn, plugins, repositories, blobs, clock);
    }

    public Channels channels() {
        return channels;
    }

    /** The one outbox of every channel. */
    public StoredOutbox outbox() {
        return outbox;
    }

    /** Where the plugins' presses go from now on. */
    public void routePresses(PressListener listener) {
        presses = listener;
    }
}
