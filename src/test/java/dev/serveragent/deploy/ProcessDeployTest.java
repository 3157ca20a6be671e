package dev.serveragent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.deploy.FixtureRepo.Training;
import dev.serveragent.deploy.FixtureRepo.Version;
import dev.serveragent.store.DeploymentRepository.Deployment;
import dev.serveragent.store.DeploymentRepository.Status;
import dev.serveragent.testing.Locks;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code process} runtime end to end: a real git repository, real child processes, real Postgres. */
@ResourceLock(Locks.DEPLOYS)
class ProcessDeployTest extends DeployTestCase {
    private int masterMessagesBefore() {
        return h.reports().size();
    }

    @Test
    void good_commits_become_healthy_and_the_newest_one_serves() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);
        assertThat(h.servedVersion()).contains("v1");
        long pid1 = h.runningPid();

        int before = masterMessagesBefore();
        String v2 = repo.commit(Version.good("v2"));
        assertThat(h.deploy()).as("no --sha: the head of main").isEqualTo(0);
        assertThat(h.servedVersion()).contains("v2");
        assertThat(ProcessHandle.of(pid1).map(ProcessHandle::isAlive)).as("v1 stopped").isIn(java.util.Optional.empty(), java.util.Optional.of(false));

        List<Deployment> rows = h.rows();
        assertThat(rows).extracting(Deployment::gitSha).containsExactly(v1, v2);
        assertThat(rows).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo("healthy");
            assertThat(d.runtime()).isEqualTo("process");
            assertThat(d.branch()).isEqualTo("main");
            assertThat(d.finishedAt()).isAfterOrEqualTo(d.startedAt());
            assertThat(d.rollbackReason()).isNull();
            assertThat(d.reportText()).contains(d.gitSha()).contains("HEALTHY")
                    .contains("Tests: passed").contains("Tests run: 3, Failures: 0");
        });
        java.util.Optional<String> noBackups = noBackupsHere(tmp);
        assertThat(rows.get(1).reportText()).contains("Previous healthy: " + v1)
                .contains(noBackups.isEmpty() ? "Backup: database backup" : "no database backup: " + noBackups.get());
        assertThat(h.reports().subList(before, h.reports().size())).singleElement().asString()
                .contains(v2).contains("HEALTHY").contains("Smoke: sendMessage to the Master succeeded");
        assertThat(telegram.calls("sendMessage")).anySatisfy(c -> assertThat(c.param("text")).startsWith("Deploy smoke test: " + v2));
        if (noBackups.isEmpty()) {
            assertThat(Files.list(h.dataDir.resolve("backups")).toList()).isNotEmpty();
        }
    }

    @Test
    void a_java_release_starts_with_the_aot_cache_made_before_the_swap_without_the_agents_secrets() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= AotCache.FIRST_JDK, "JDK 25 makes AOT caches");
        useJarFixture();
        String v1 = repo.commitJar("j1", Training.SUCCEEDS);
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);

        assertThat(h.servedVersion()).contains("j1");
        java.nio.file.Path cache = h.dataDir.resolve("releases").resolve(v1).resolve("app.jar.aot");
        assertThat(cache).isRegularFile();
        assertThat(ProcessHandle.of(h.runningPid()).flatMap(p -> p.info().commandLine())).get().asString()
                .contains("-XX:AOTCache=" + cache).contains("-jar");
        assertThat(h.rows().getLast().reportText()).contains("Start-up cache: made " + cache);
        String training = Files.readString(cache.resolveSibling("aot-training.log"));
        assertThat(training).contains("training with").contains("PORT")
                .doesNotContain("DATABASE_URL").doesNotContain("TELEGRAM").doesNotContain("FIXTURE_PG_URL")
                .doesNotContain(h.root.resolve("home").toString());
    }

    @ParameterizedTest
    @CsvSource({"FAILS, 60, the training run exited 2", "HANGS, 1, the training run was still going after 1 s and was killed"})
    void a_release_whose_training_run_fails_or_hangs_deploys_without_the_cache(Training training, String timeout, String reason)
            throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= AotCache.FIRST_JDK, "JDK 25 makes AOT caches");
        useJarFixture();
        h.env.put("DEPLOY_AOT_TRAINING_TIMEOUT_SECONDS", timeout);
        String v1 = repo.commitJar("j1", training);
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);

        assertThat(h.servedVersion()).contains("j1");
        java.nio.file.Path release = h.dataDir.resolve("releases").resolve(v1);
        assertThat(release.resolve("app.jar.aot")).doesNotExist();
        assertThat(ProcessHandle.of(h.runningPid()).flatMap(p -> p.info().commandLine())).get().asString()
                .doesNotContain("AOTCache");
        Deployment d = h.rows().getLast();
        assertThat(d.status()).isEqualTo("healthy");
        assertThat(d.reportText()).contains("Start-up cache: none: " + reason).contains("the release starts without it");
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().commandLine().orElse("").contains("AOTCacheOutput")))
                .as("no training run is left behind").isEmpty();
    }

    @Test
    void with_the_cache_turned_off_no_training_runs_and_the_release_starts_plainly() throws Exception {
        useJarFixture();
        h.env.put("DEPLOY_AOT_CACHE", "false");
        String v1 = repo.commitJar("j1", Training.SUCCEEDS);
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);

        assertThat(h.dataDir.resolve("releases").resolve(v1).resolve("aot-training.log")).doesNotExist();
        assertThat(ProcessHandle.of(h.runningPid()).flatMap(p -> p.info().commandLine())).get().asString()
                .doesNotContain("AOTCache");
        assertThat(h.rows().getLast().reportText()).doesNotContain("Start-up cache");
    }

    /** The release is a jar started by the runtime's default {@code java -jar} (where the AOT cache applies). */
    private void useJarFixture() {
        h.env.put("DEPLOY_BUILD_COMMAND", FixtureRepo.JAR_BUILD);
        h.env.put("DEPLOY_ARTIFACT", FixtureRepo.JAR_ARTIFACT);
        h.env.remove("DEPLOY_START_COMMAND");
    }

    @Test
    void commit_failing_its_health_check_is_rolled_back_and_the_previous_version_serves() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);
        int before = masterMessagesBefore();

        String v2 = repo.commit(new Version("v2", false, true, null));
        assertThat(h.deploy("--sha", v2)).isEqualTo(1);

        assertThat(h.servedVersion()).as("the previous artifact runs again").contains("v1");
        Deployment d = h.rows().getLast();
        assertThat(d.gitSha()).isEqualTo(v2);
        assertThat(d.status()).isEqualTo("rolled_back");
        assertThat(d.rollbackReason()).contains("/readyz answered 503").contains("migrations not applied")
                .contains("new instance: still running");
        assertThat(d.reportText()).contains("ROLLED BACK").contains("Rollback: " + v1 + " kept serving throughout")
                .contains("Rollback reason:").contains("Database: schema unchanged");
        assertThat(h.rows().getFirst().status()).isEqualTo("healthy");
        assertThat(h.reports().subList(before, h.reports().size())).singleElement().asString()
                .contains(v2).contains("ROLLED BACK").contains("/readyz answered 503");
    }

    @Test
    void failing_tests_fail_the_deploy_and_restart_nothing() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);
        long pid = h.runningPid();
        int before = masterMessagesBefore();

        String v2 = repo.commit(new Version("v2", true, false, null));
        assertThat(h.deploy("--sha", v2)).isEqualTo(1);

        assertThat(h.runningPid()).as("same process").isEqualTo(pid);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(h.servedVersion()).contains("v1");
        Deployment d = h.rows().getLast();
        assertThat(d.status()).isEqualTo("failed");
        assertThat(d.rollbackReason()).contains("unit tests failed").contains("FAILED: test_version");
        assertThat(d.reportText()).contains("Tests: FAILED (exit 1)").contains("Tests run: 3, Failures: 1")
                .contains("Restarted: nothing");
        assertThat(h.reports().subList(before, h.reports().size())).singleElement().asString().contains(v2).contains("FAILED");
    }

    @Test
    void first_deploy_that_never_gets_healthy_tells_the_master_that_manual_action_is_needed() throws Exception {
        String v1 = repo.commit(new Version("v1", false, true, null));
        assertThat(h.deploy("--sha", v1)).isEqualTo(1);
        Deployment d = h.rows().getLast();
        assertThat(d.status()).isEqualTo("failed");
        assertThat(d.reportText()).contains("Manual action needed: there is no healthy deployment to return to");
        assertThat(h.reports().getLast()).contains(v1).contains("Manual action needed");
    }

    @Test
    void failed_migration_is_rolled_back_with_the_previous_schema_restored() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(noBackupsHere(tmp).isEmpty(), () -> "needs a dump: " + noBackupsHere(tmp).orElse(""));
        db.jdbi().useHandle(x -> x.execute("create table if not exists fixture_data (v text)"));
        db.jdbi().useHandle(x -> x.execute("insert into fixture_data values ('kept')"));
        String v1 = repo.commit(Version.good("v1"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);

        String v2 = repo.commit(new Version("v2", true, true,
                "create table v2_only (x int); alter table fixture_data add column v2_col int; insert into fixture_data values ('lost')"));
        assertThat(h.deploy("--sha", v2)).isEqualTo(1);

        Deployment d = h.rows().getLast();
        assertThat(d.status()).isEqualTo("rolled_back");
        assertThat(d.rollbackReason()).contains("exited before it became healthy").contains("new instance: exit 3");
        assertThat(d.reportText()).contains("Database: schema changed by the failed version: restored");
        assertThat(h.servedVersion()).contains("v1");
        boolean v2TableGone = db.jdbi().withHandle(x -> x.createQuery("select to_regclass('v2_only') is null").mapTo(Boolean.class).one());
        List<String> data = db.jdbi().withHandle(x -> x.createQuery("select v from fixture_data").mapTo(String.class).list());
        assertThat(v2TableGone).isTrue();
        assertThat(data).containsExactly("kept");
        assertThat(h.rows()).extracting(Deployment::status).containsExactly("healthy", "rolled_back");
    }

    @Test
    void an_interrupted_deploy_is_settled_at_the_next_start_and_the_agent_brought_back() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);
        // A deploy killed while swapping: its row stays 'deploying' and no instance runs.
        String v2 = repo.commit(Version.good("v2"));
        long stuck = h.deployments.begin(v2, "main", "process", Instant.now());
        h.deployments.advance(stuck, Status.DEPLOYING);
        h.runningInstance().ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
        assertThat(h.servedVersion()).isEmpty();

        assertThat(h.deploy("--settle-only")).isEqualTo(0);

        Deployment d = h.deployments.find(stuck).orElseThrow();
        assertThat(d.status()).isEqualTo("failed");
        assertThat(d.rollbackReason()).startsWith("interrupted");
        assertThat(d.finishedAt()).isNotNull();
        assertThat(h.servedVersion()).contains("v1");
        assertThat(h.reports().getLast()).contains("#" + stuck).contains("restarted " + v1 + ", healthy again");
    }

    @Test
    void a_failing_smoke_message_to_the_master_rolls_the_deploy_back() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);
        String v2 = repo.commit(Version.good("v2"));
        telegram.down(true);

        assertThat(h.deploy("--sha", v2)).isEqualTo(1);

        Deployment d = h.rows().getLast();
        assertThat(d.status()).isEqualTo("rolled_back");
        assertThat(d.rollbackReason()).contains("smoke Telegram sendMessage failed: HTTP 500");
        assertThat(h.servedVersion()).contains("v1");
    }

    @Test
    void the_started_release_outlives_a_deploy_command_run_in_a_jvm_of_its_own() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), "dev.serveragent.Main", "deploy", "--sha", v1)
                .directory(Files.createDirectories(tmp.resolve("home")).toFile())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("deploy-jvm.log").toFile());
        pb.environment().clear();
        pb.environment().putAll(h.env);
        Process deployer = pb.start();
        assertThat(deployer.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(deployer.exitValue()).as(Files.readString(tmp.resolve("deploy-jvm.log"))).isEqualTo(0);

        assertThat(h.servedVersion()).as("still serving after the deploy command exited").contains("v1");
        ProcessHandle instance = ProcessHandle.of(h.runningPid()).orElseThrow();
        assertThat(instance.parent().map(ProcessHandle::pid)).isNotEqualTo(java.util.Optional.of(deployer.pid()));
        assertThat(h.rows()).extracting(Deployment::status).containsExactly("healthy");
    }

    @Test
    void an_unknown_commit_is_refused_without_touching_anything() throws Exception {
        repo.commit(Version.good("v1"));
        assertThat(h.deploy("--sha", "0123456789abcdef0123456789abcdef01234567")).isEqualTo(1);
        assertThat(h.rows()).isEmpty();
    }

    @Test
    void deploy_without_a_database_server_is_a_configuration_error() {
        h.env.remove("DATABASE_URL");
        assertThat(h.deploy()).isEqualTo(2);
    }

    @Test
    @SuppressWarnings("try")
    void a_second_deploy_does_not_run_while_one_holds_the_lock() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        try (DeployLock held = DeployLock.acquire(h.deployments, h.dataDir.resolve("deploy.lock"), java.time.Duration.ZERO)) {
            assertThat(h.deploy("--sha", v1, "--lock-wait-seconds", "0")).isEqualTo(1);
        }
        assertThat(h.rows()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo("failed");
            assertThat(d.rollbackReason()).contains("another deploy is running");
        });
        assertThat(h.servedVersion()).isEmpty();
    }
}
