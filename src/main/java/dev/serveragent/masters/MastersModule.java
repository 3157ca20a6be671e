package dev.serveragent.masters;

import dev.serveragent.channel.MasterNaming;
import dev.serveragent.store.MasterRepository;
import java.time.Clock;
import java.util.List;

/**
 * Who the Masters are, one source for every capability: each channel's naming (its listed users
 * and those paired with {@code /pair CODE}), and the pairing codes.
 */
public record MastersModule(Masters masters, Pairing pairing) {
    /** @param namings one per channel: how it names its Masters */
    public static MastersModule build(List<MasterNaming> namings, MasterRepository repository, Clock clock) {
        return new MastersModule(new Masters(namings, repository, clock), new Pairing(repository, clock));
    }
}
