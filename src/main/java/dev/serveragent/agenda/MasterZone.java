package dev.serveragent.agenda;

import dev.serveragent.store.AgentSettingsRepository;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Optional;

/**
 * The Master's time zone: the one stored by {@code /tz} (agent_settings {@value #KEY}) when there
 * is one, else {@code MASTER_TZ} (default UTC). The stored value wins because it is the Master's
 * later and explicit choice, made in the conversation; {@code /tz reset} removes it. Read from the
 * database on each use (a few per firing or command), so every replica sees a change at once.
 * Thread-safe.
 */
public final class MasterZone {
    static final String KEY = "master_tz";

    private final ZoneId configured;
    private final AgentSettingsRepository settings;
    private final Clock clock;

    public MasterZone(ZoneId configured, AgentSettingsRepository settings, Clock clock) {
        this.configured = configured;
        this.settings = settings;
        this.clock = clock;
    }

    public ZoneId current() {
        // A stored zone the JDK no longer knows (renamed in tzdata) falls back to the configured one.
        return stored().orElse(configured);
    }

    /** The zone stored by {@code /tz}, if any (and still valid). */
    public Optional<ZoneId> stored() {
        return settings.get(KEY).flatMap(MasterZone::parse);
    }

    public ZoneId configured() {
        return configured;
    }

    /** Stores the zone named {@code name}; refused with words when it is not one. */
    public ZoneId set(String name) {
        ZoneId zone = parse(name).orElseThrow(() -> AgendaException.invalid(
                "'" + name + "' is not a time zone; use an IANA name such as Europe/Berlin, America/New_York or UTC"));
        settings.put(KEY, zone.getId(), clock.instant());
        return zone;
    }

    /** Forgets the stored zone: {@code MASTER_TZ} applies again. */
    public ZoneId reset() {
        settings.delete(KEY);
        return configured;
    }

    static Optional<ZoneId> parse(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZoneId.of(name.strip()));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
