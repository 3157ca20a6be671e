package dev.serveragent.store;

import java.time.Instant;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/** Values the agent makes for itself once and keeps ({@code agent_settings}). Thread-safe. */
public final class AgentSettingsRepository {
    private final Jdbi jdbi;

    public AgentSettingsRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The stored value of {@code key}; made by {@code create} and stored the first time (once across replicas). */
    public String getOrCreate(String key, Supplier<String> create, Instant now) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("insert into agent_settings (key, value, created_at) values (:k, :v, :now) on conflict (key) do nothing")
                    .bind("k", key).bind("v", create.get()).bind("now", now).execute();
            return h.createQuery("select value from agent_settings where key = :k").bind("k", key).mapTo(String.class).one();
        });
    }

    /** The stored value of {@code key}, if any. */
    public java.util.Optional<String> get(String key) {
        return jdbi.withHandle(h -> h.createQuery("select value from agent_settings where key = :k").bind("k", key)
                .mapTo(String.class).findOne());
    }

    /** Stores {@code value} under {@code key}, replacing what was there. */
    public void put(String key, String value, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into agent_settings (key, value, created_at) values (:k, :v, :now)
                        on conflict (key) do update set value = excluded.value, created_at = excluded.created_at""")
                .bind("k", key).bind("v", value).bind("now", now).execute());
    }

    /** Removes {@code key}; true when it was there. */
    public boolean delete(String key) {
        return jdbi.withHandle(h -> h.createUpdate("delete from agent_settings where key = :k").bind("k", key).execute()) == 1;
    }
}
