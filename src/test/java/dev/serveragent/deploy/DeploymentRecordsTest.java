package dev.serveragent.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.store.DeploymentRepository;
import dev.serveragent.store.DeploymentRepository.Status;
import dev.serveragent.testing.TestApp;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deployments} rows, the deploy lock, settlement at the agent's start, and backups. */
class DeploymentRecordsTest {
    @AutoClose
    static final TestDatabase db = TestDatabase.create();
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    final DeploymentRepository repo = new DeploymentRepository(db.jdbi());

    @TempDir
    Path tmp;

    @BeforeEach
    void clean() {
        db.jdbi().useHandle(h -> h.execute("delete from deployments"));
    }

    private long healthy(String sha, Instant at) {
        long id = repo.begin(sha, "main", "process", at);
        repo.advance(id, Status.TESTING);
        repo.advance(id, Status.DEPLOYING);
        repo.finish(id, Status.HEALTHY, Optional.empty(), "ok", at.plusSeconds(60));
        return id;
    }

    @Test
    void an_attempt_moves_through_its_states_and_ends_once() {
        long id = repo.begin("abc", "main", "process", T0);
        assertThat(repo.find(id).orElseThrow().status()).isEqualTo("building");
        repo.advance(id, Status.TESTING);
        repo.finish(id, Status.FAILED, Optional.of("unit tests failed"), "report", T0.plusSeconds(5));
        var d = repo.find(id).orElseThrow();
        assertThat(d.status()).isEqualTo("failed");
        assertThat(d.rollbackReason()).isEqualTo("unit tests failed");
        assertThat(d.finishedAt()).isEqualTo(T0.plusSeconds(5));
        assertThatThrownBy(() -> repo.finish(id, Status.HEALTHY, Optional.empty(), "again", T0)).hasMessageContaining("not unfinished");
        assertThatThrownBy(() -> repo.advance(id, Status.HEALTHY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void the_version_to_return_to_is_the_latest_healthy_one_of_the_runtime() {
        healthy("a", T0);
        healthy("b", T0.plus(1, ChronoUnit.HOURS));
        long failed = repo.begin("c", "main", "process", T0.plus(2, ChronoUnit.HOURS));
        repo.finish(failed, Status.ROLLED_BACK, Optional.of("x"), "r", T0.plus(2, ChronoUnit.HOURS));
        healthy("a", T0.plus(3, ChronoUnit.HOURS));
        assertThat(repo.lastHealthy("process").orElseThrow().gitSha()).isEqualTo("a");
        assertThat(repo.lastHealthy("compose")).isEmpty();
        assertThat(repo.recentHealthyShas("process", 3)).containsExactly("a", "b");
        assertThat(repo.recentHealthyShas("process", 1)).containsExactly("a");
    }

    @Test
    @SuppressWarnings("try")
    void the_agent_settles_interrupted_deploys_at_start_unless_a_deploy_holds_the_lock() throws Exception {
        long stuck = repo.begin("abc", "main", "process", T0);
        repo.advance(stuck, Status.DEPLOYING);
        Clock clock = Clock.fixed(T0.plusSeconds(600), ZoneOffset.UTC);

        try (DeploymentRepository.Lock held = repo.tryLock().orElseThrow()) {
            assertThat(repo.tryLock()).as("one holder at a time").isEmpty();
            try (TestApp app = TestApp.start(db, Files.createDirectories(tmp.resolve("a")), Map.of(), clock)) {
                assertThat(repo.find(stuck).orElseThrow().status()).as("a live deploy is not settled").isEqualTo("deploying");
            }
        }
        try (TestApp app = TestApp.start(db, Files.createDirectories(tmp.resolve("b")), Map.of(), clock)) {
            var d = repo.find(stuck).orElseThrow();
            assertThat(d.status()).isEqualTo("failed");
            assertThat(d.rollbackReason()).isEqualTo(Settlement.REASON);
            assertThat(d.finishedAt()).isEqualTo(T0.plusSeconds(600));
        }
        assertThat(repo.tryLock()).as("released").hasValueSatisfying(DeploymentRepository.Lock::close);
    }

    @Test
    void without_pg_dump_on_path_no_backup_is_taken_and_the_note_says_why() throws Exception {
        Shell noTools = new Shell(Map.of("PATH", Files.createDirectories(tmp.resolve("empty-bin")).toString()), java.time.Duration.ofSeconds(30));
        var backup = new DatabaseBackup(db.url(), tmp.resolve("backups"), 2, noTools, repo).take("abc", T0);
        assertThat(backup.file()).isEmpty();
        assertThat(backup.note()).contains("pg_dump is not on PATH");
    }

    @Test
    void backups_keep_only_the_newest_ones() throws Exception {
        Shell shell = new Shell(Map.of("PATH", System.getenv("PATH")), java.time.Duration.ofSeconds(60));
        DatabaseBackup backups = new DatabaseBackup(db.url(), tmp.resolve("backups"), 2, shell, repo);
        org.junit.jupiter.api.Assumptions.assumeTrue(backups.unusableReason().isEmpty(),
                () -> "this machine cannot dump the test database: " + backups.unusableReason().orElse(""));
        for (int i = 0; i < 3; i++) {
            assertThat(backups.take("v" + i, T0.plusSeconds(i)).file()).isPresent();
        }
        List<String> kept = Files.list(tmp.resolve("backups")).map(p -> p.getFileName().toString()).sorted().toList();
        assertThat(kept).containsExactly("20261125T100001Z-v1.dump", "20261125T100002Z-v2.dump");
    }

    @Test
    @SuppressWarnings("try")
    void settling_reports_the_status_a_row_was_left_in_and_spares_a_live_queued_waiter() {
        long building = repo.begin("abc", "main", "process", T0);
        long deadWaiter = repo.queue("def", "main", "process", T0);
        long liveWaiter = repo.queue("ghi", "main", "process", T0);
        try (DeploymentRepository.Lock alive = repo.holdQueued(liveWaiter)) {
            var settled = repo.settleUnfinished("interrupted", T0.plusSeconds(9));
            assertThat(settled).extracting(d -> d.id() + ":" + d.status())
                    .containsExactlyInAnyOrder(building + ":building", deadWaiter + ":queued");
        }
        assertThat(repo.find(building).orElseThrow().status()).isEqualTo("failed");
        assertThat(repo.find(deadWaiter).orElseThrow().status()).isEqualTo("failed");
        assertThat(repo.find(liveWaiter).orElseThrow().status()).isEqualTo("queued");
    }

    @Test
    void a_restore_that_fails_halfway_leaves_the_schema_as_it_was() throws Exception {
        Shell shell = new Shell(Map.of("PATH", System.getenv("PATH")), java.time.Duration.ofSeconds(60));
        DatabaseBackup backups = new DatabaseBackup(db.url(), tmp.resolve("backups"), 2, shell, repo);
        org.junit.jupiter.api.Assumptions.assumeTrue(backups.unusableReason().isEmpty(),
                () -> "this machine cannot dump the test database: " + backups.unusableReason().orElse(""));
        // A schema outside the restored one: its CREATE SCHEMA fails the restore after the drop of public.
        db.jdbi().useHandle(h -> h.execute("create schema if not exists restore_obstacle"));
        long kept = healthy("before", T0);
        Path dump = backups.take("v1", T0).file().orElseThrow();
        db.jdbi().useHandle(h -> h.execute("create table if not exists made_after_backup (x int)"));

        assertThatThrownBy(() -> backups.restore(dump)).isInstanceOf(DeployException.class)
                .hasMessageContaining("the schema is as it was").hasMessageContaining("ERROR:")
                .hasMessageContaining("restore_obstacle");

        assertThat(repo.tableExists()).as("never an empty schema").isTrue();
        assertThat(repo.find(kept)).isPresent();
        boolean after = db.jdbi().withHandle(h -> h.createQuery("select to_regclass('made_after_backup') is not null").mapTo(Boolean.class).one());
        assertThat(after).as("nothing of the restore applied").isTrue();
        db.jdbi().useHandle(h -> h.execute("drop schema restore_obstacle; drop table made_after_backup"));

        backups.restore(dump);
        boolean gone = db.jdbi().withHandle(h -> h.createQuery("select to_regclass('made_after_backup') is null").mapTo(Boolean.class).one());
        assertThat(gone).as("a good restore returns to the dump's schema").isTrue();
        assertThat(repo.find(kept)).isPresent();
    }
}
