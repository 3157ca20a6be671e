import dev.serveragent.agenda.Agenda;
import dev.serveragent.agenda.ScheduleFiring;
import dev.serveragent.agenda.Schedules;
import dev.serveragent.agenda.Scope;
import dev.serveragent.channel.ChannelsModule;
import dev.serveragent.channel.MasterNaming;
import dev.serveragent.config.AgendaConfig;
import dev.serveragent.config.DatabaseUrl;
import dev.serveragent.masters.Masters;
import dev.serveragent.masters.MastersModule;
import dev.serveragent.store.Database;
import dev.serveragent.store.Repositories;
import dev.serveragent.store.ThreadRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Firing latency of the real ScheduleFiring loop(s): N one-shot reminders made through the
 * service over 100 chats, then their due times spread evenly over S seconds starting a few
 * seconds ahead; R replicas (each its own pool and loop, system clock) fire them. Latency is
 * from a schedule's due time to the commit of its firing (its reminder stored in the outbox).
 * Usage: java -cp server-agent.jar ScheduleBench.java JDBC_URL [N=10000] [S=100] [R=1]
 */
public class ScheduleBench {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int spread = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int replicas = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        Clock clock = Clock.systemUTC();
        DatabaseUrl db = DatabaseUrl.parse("BENCH_DATABASE_URL", url);
        List<Database> pools = new ArrayList<>();
        List<Agenda> agendas = new ArrayList<>();
        for (int r = 0; r < replicas; r++) {
            Database d = Database.open(db, 4, Optional.empty());
            pools.add(d);
            // The modules the agent builds, with no channel on: a reminder is stored in the outbox, not sent.
            Repositories repositories = new Repositories(d, clock);
            ChannelsModule channels = ChannelsModule.build(List.of(), List.of(), repositories, Optional.empty(), clock);
            Masters masters = MastersModule.build(List.of(MasterNaming.listedOrPaired("telegram", List.of(1L))),
                    repositories.masters(), clock).masters();
            agendas.add(Agenda.build(AgendaConfig.defaults(), repositories, channels.outbox(), channels.channels(), masters, clock));
        }
        // The loops run from the start, as in a running agent (they idle while the seeded rows are due in 2030).
        ConcurrentLinkedQueue<Long> latencyMicros = new ConcurrentLinkedQueue<>();
        for (Agenda a : agendas) {
            a.firing().onFired(f -> latencyMicros.add(Duration.between(f.dueAt(), f.committedAt()).toNanos() / 1000));
            a.firing().start();
        }
        // Seed through the service (far ahead), then pull the due times into the measured window.
        ThreadRepository threads = new ThreadRepository(pools.get(0).jdbi(), clock);
        Schedules schedules = agendas.get(0).schedules();
        long seedStart = System.nanoTime();
        long[] chats = new long[100];
        for (int c = 0; c < chats.length; c++) {
            chats[c] = threads.findOrCreate("telegram", 1_000 + c);
        }
        for (int i = 0; i < n; i++) {
            schedules.schedule(Scope.reactive(chats[i % chats.length]), Schedules.Request.reminderAt("reminder " + i, "2030-01-01T00:00:00Z"));
        }
        System.out.printf("seeded %d schedules in %.1f s%n", n, (System.nanoTime() - seedStart) / 1e9);
        Instant t0 = clock.instant().plusSeconds(5);
        double stepMs = spread * 1000.0 / n;
        pools.get(0).jdbi().useHandle(h -> h.createUpdate("""
                        update schedules s set next_fire_at = cast(:t0 as timestamptz)
                               + make_interval(secs => (o.rn - 1) * :step / 1000.0)
                        from (select id, row_number() over (order by id) as rn from schedules where status = 'active') o
                        where s.id = o.id""")
                .bind("t0", t0).bind("step", stepMs).execute());
        pools.get(0).jdbi().useHandle(h -> h.execute("vacuum analyze schedules"));

        Instant deadline = t0.plusSeconds(spread + 60);
        while (latencyMicros.size() < n && clock.instant().isBefore(deadline)) {
            Thread.sleep(200);
        }
        for (Agenda a : agendas) {
            a.firing().stop();
        }
        List<Long> sorted = new ArrayList<>(latencyMicros);
        Collections.sort(sorted);
        long firings = pools.get(0).jdbi().withHandle(h -> h.createQuery("select count(*) from schedule_firings").mapTo(Long.class).one());
        System.out.printf("schedules=%d spread_s=%d replicas=%d fired=%d firing_rows=%d p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f%n",
                n, spread, replicas, sorted.size(), firings, pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
                sorted.isEmpty() ? -1 : sorted.getLast() / 1000.0);
        pools.forEach(Database::close);
    }

    static double pct(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1000.0;
    }
}
