package dev.serveragent.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.budget.BudgetGovernor;
import dev.serveragent.budget.BudgetPolicy;
import dev.serveragent.budget.UtcDay;
import dev.serveragent.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class ProactiveStateRepositoryTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    final ProactiveStateRepository repo = new ProactiveStateRepository(db.jdbi());
    final BudgetGovernor governor = new BudgetGovernor(new BudgetPolicy(1_000_000, Duration.ofSeconds(60), Duration.ofSeconds(3600), 10));
    final Instant now = Instant.parse("2026-03-10T10:00:00Z");

    private Optional<ProactiveStateRepository.Admitted> admit(Instant at, String who) {
        return repo.admit(at, UtcDay.startOf(at), 10, at.plus(Duration.ofMinutes(35)), who, s -> {
            BudgetGovernor.Admission a = governor.admit(s);
            return a instanceof BudgetGovernor.Admission.Run r ? OptionalLong.of(r.ceiling()) : OptionalLong.empty();
        });
    }

    @Test
    void concurrent_admissions_from_many_replicas_never_promise_the_same_tokens_twice() throws Exception {
        db.jdbi().useHandle(h -> h.execute("delete from proactive_cycles"));
        int replicas = 8;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<ProactiveStateRepository.Admitted>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(replicas)) {
            for (int i = 0; i < replicas; i++) {
                String who = "r" + i;
                Callable<Optional<ProactiveStateRepository.Admitted>> task = () -> {
                    go.await();
                    return admit(now, who);
                };
                results.add(pool.submit(task));
            }
            go.countDown();
            long admitted = 0;
            long promised = 0;
            for (var f : results) {
                Optional<ProactiveStateRepository.Admitted> a = f.get();
                if (a.isPresent()) {
                    admitted++;
                    promised += a.get().ceiling();
                }
            }
            assertThat(admitted).isEqualTo(1);
            assertThat(promised).isEqualTo(1_000_000);
        }
    }

    @Test
    void a_reservation_holds_until_the_cycle_finishes_or_its_lease_passes() {
        db.jdbi().useHandle(h -> h.execute("delete from proactive_cycles"));
        LedgerRepository ledger = new LedgerRepository(db.jdbi());
        long id = admit(now, "a").orElseThrow().cycleId();
        assertThat(admit(now.plusSeconds(60), "b")).isEmpty();

        // Ledger first, then release: in between, the tokens count twice (conservative), never zero times.
        long ledgerId = ledger.record(LedgerRepository.Scope.PROACTIVE, LedgerRepository.Provider.CLAUDE_CODE,
                new LedgerRepository.Tokens(100_000, 0, 0, 0), Map.of(), OptionalLong.empty(), now.plusSeconds(120));
        assertThat(repo.snapshot(now.plusSeconds(120), UtcDay.startOf(now), 10).spentToday()).isEqualTo(100_000);
        assertThat(repo.snapshot(now.plusSeconds(120), UtcDay.startOf(now), 10).reserved()).isEqualTo(1_000_000);
        repo.finish(id, new ProactiveStateRepository.Finished(now.plusSeconds(120), true, "completed", 100_000, "ok",
                Optional.empty(), Optional.of("s"), OptionalLong.of(ledgerId)));
        assertThat(admit(now.plusSeconds(180), "b")).map(ProactiveStateRepository.Admitted::ceiling).contains(900_000L);

        // b dies mid-run: its reservation blocks until the lease passes, then a new leader abandons it.
        assertThat(admit(now.plusSeconds(240), "c")).isEmpty();
        Instant afterLease = now.plusSeconds(180).plus(Duration.ofMinutes(36));
        assertThat(repo.abandonExpired(afterLease)).isEqualTo(1);
        assertThat(admit(afterLease, "c")).isPresent();
    }

    @Test
    void the_master_thread_is_found_or_created_once() {
        ThreadRepository threads = new ThreadRepository(db.jdbi(), java.time.Clock.systemUTC());
        long first = threads.findOrCreate("telegram", 777);
        assertThat(threads.findOrCreate("telegram", 777)).isEqualTo(first);
        long rows = db.jdbi().withHandle(h -> h.createQuery("select count(*) from chat_threads where chat_id = 777").mapTo(Long.class).one());
        assertThat(rows).isEqualTo(1);
    }
}
