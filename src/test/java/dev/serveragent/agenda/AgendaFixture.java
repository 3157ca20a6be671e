package dev.serveragent.agenda;

import dev.serveragent.channel.ChannelsModule;
import dev.serveragent.channel.StoredOutbox;
import dev.serveragent.config.AgendaConfig;
import dev.serveragent.masters.Masters;
import dev.serveragent.masters.MastersModule;
import dev.serveragent.store.Database;
import dev.serveragent.store.Repositories;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.testing.TestDatabase;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * One replica's agenda on a test database: the real services, firing loop and outbox (Telegram
 * off, so messages are stored and not sent), with the given clock. {@link #close()} closes the
 * replica's own connection pool when it opened one.
 */
final class AgendaFixture implements AutoCloseable {
    static final long MASTER = 4242;

    final Database database;
    final Agenda agenda;
    final Clock clock;
    final StoredOutbox outbox;
    final Masters masters;
    private final boolean ownPool;

    private AgendaFixture(Database database, Agenda agenda, Clock clock, StoredOutbox outbox, Masters masters, boolean ownPool) {
        this.database = database;
        this.agenda = agenda;
        this.clock = clock;
        this.outbox = outbox;
        this.masters = masters;
        this.ownPool = ownPool;
    }

    /** On the test database's own pool, with the Master's zone {@code zone}. */
    static AgendaFixture on(TestDatabase db, Clock clock, ZoneId zone) {
        return build(db.database(), clock, zone, false);
    }

    /** On a pool of its own (another replica, or the same one after a restart). */
    static AgendaFixture replica(TestDatabase db, Clock clock, ZoneId zone) {
        return build(Database.open(db.url(), 4, Optional.empty()), clock, zone, true);
    }

    private static AgendaFixture build(Database database, Clock clock, ZoneId zone, boolean ownPool) {
        Repositories repositories = new Repositories(database, clock);
        ChannelsModule channels = ChannelsModule.build(List.of(), List.of(), repositories, Optional.empty(), clock);
        Masters masters = MastersModule.build(List.of(dev.serveragent.channel.MasterNaming.listedOrPaired("telegram", List.of(MASTER))),
                repositories.masters(), clock).masters();
        Agenda agenda = Agenda.build(new AgendaConfig(zone, AgendaConfig.DEFAULT_TASK_TOKEN_CEILING), repositories, channels.outbox(),
                channels.channels(), masters, clock);
        return new AgendaFixture(database, agenda, clock, channels.outbox(), masters, ownPool);
    }

    /** The Master's private Telegram thread. */
    long thread() {
        return new ThreadRepository(database.jdbi(), clock).findOrCreate("telegram", MASTER);
    }

    /** The bot's messages in a thread, oldest first. */
    List<String> messages(long threadId) {
        return database.jdbi().withHandle(h -> h.createQuery(
                "select text from chat_messages where thread_id = :t and role = 'assistant' order by id")
                .bind("t", threadId).mapTo(String.class).list());
    }

    long count(String sql) {
        return database.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @Override
    public void close() {
        agenda.firing().stop();
        if (ownPool) {
            database.close();
        }
    }
}
