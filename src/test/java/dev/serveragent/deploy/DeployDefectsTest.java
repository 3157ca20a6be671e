package dev.serveragent.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.serveragent.deploy.FixtureRepo.Version;
import dev.serveragent.store.DeploymentRepository.Deployment;
import dev.serveragent.testing.Locks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/** Issue 13's defects of the process runtime, each end to end through {@code server-agent deploy}. */
@ResourceLock(Locks.DEPLOYS)
class DeployDefectsTest extends DeployTestCase {
    @Test
    void a_failed_build_reports_the_compile_error_not_mavens_last_line() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        Path maven = tmp.resolve("maven-output.txt");
        Files.writeString(maven, FirstErrorTest.COMPILE_FAILURE);
        h.env.put("DEPLOY_BUILD_COMMAND", "cat " + maven + "; exit 1");

        assertThat(h.deploy("--sha", v1)).isEqualTo(1);

        Deployment d = h.rows().getLast();
        assertThat(d.status()).isEqualTo("failed");
        assertThat(d.rollbackReason()).isEqualTo("build failed (exit 1): compile error: A.java:1: cannot find symbol");
        assertThat(h.reports().getLast()).contains("compile error: A.java:1: cannot find symbol").doesNotContain("Help 1");
    }

    @Test
    void the_report_lists_the_commits_since_the_previous_healthy_release() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);
        assertThat(h.rows().getLast().reportText()).contains("Changes: first deploy; 1 commit(s)").contains(v1.substring(0, 7) + " version v1");
        repo.commit(Version.good("v2"));
        String v3 = repo.commit(Version.good("v3"));

        assertThat(h.deploy("--sha", v3)).isEqualTo(0);

        String report = h.rows().getLast().reportText();
        assertThat(report).contains("Changes: 2 commit(s) since " + v1.substring(0, 12))
                .contains(v3.substring(0, 7) + " version v3").contains(" version v2").doesNotContain(" version v1");
        assertThat(report.indexOf("version v3")).as("newest first").isLessThan(report.indexOf("version v2"));
    }

    @Test
    void builds_and_tests_use_the_jdk_the_deploy_runs_on_not_the_shells_java() throws Exception {
        Path oldJava = tmp.resolve("java17/bin/java");
        Files.createDirectories(oldJava.getParent());
        Files.writeString(oldJava, "#!/bin/sh\necho 'openjdk version \"17.0.9\"'\n");
        Files.setPosixFilePermissions(oldJava, PosixFilePermissions.fromString("rwxr-xr-x"));
        h.env.put("PATH", oldJava.getParent() + ":" + h.env.get("PATH"));
        h.env.put("JAVA_HOME", tmp.resolve("java17").toString());
        Path probe = tmp.resolve("probe.txt");
        h.env.put("DEPLOY_BUILD_COMMAND", FixtureRepo.BUILD + " && echo \"$JAVA_HOME $(command -v java)\" >> " + probe);
        h.env.put("DEPLOY_TEST_COMMAND", FixtureRepo.TEST + " && echo \"$JAVA_HOME $(command -v java)\" >> " + probe);
        String v1 = repo.commit(Version.good("v1"));

        assertThat(h.deploy("--sha", v1)).isEqualTo(0);

        String jdk = System.getProperty("java.home");
        assertThat(Files.readAllLines(probe)).containsExactly(jdk + " " + jdk + "/bin/java", jdk + " " + jdk + "/bin/java");
    }

    @Test
    @SuppressWarnings("try")
    void a_deploy_waiting_for_the_lock_is_a_queued_row_and_then_deploys() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        CompletableFuture<Integer> waiting;
        try (DeployLock held = DeployLock.acquire(h.deployments, h.dataDir.resolve("deploy.lock"), Duration.ZERO)) {
            waiting = CompletableFuture.supplyAsync(() -> h.deploy("--sha", v1, "--lock-wait-seconds", "60"));
            await().atMost(Duration.ofSeconds(20)).until(() -> h.rows().size() == 1);
            Deployment q = h.rows().getFirst();
            assertThat(q.status()).isEqualTo("queued");
            assertThat(q.gitSha()).isEqualTo(v1);
            assertThat(q.finishedAt()).isNull();
            // A settlement meanwhile (the agent starting) leaves a live waiter's row alone.
            assertThat(h.deployments.settleUnfinished("x", java.time.Instant.now())).isEmpty();
        }
        assertThat(waiting.get(60, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(h.rows()).singleElement().satisfies(d -> assertThat(d.status()).isEqualTo("healthy"));
    }

    @Test
    void a_killed_deploys_build_processes_and_checkout_are_cleaned_up_and_its_report_is_true() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        // A build that runs until killed, with a child of its own (as Maven forks Surefire).
        h.env.put("DEPLOY_BUILD_COMMAND", "sleep 611 & sleep 613; wait");
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), "dev.serveragent.Main", "deploy", "--sha", v1)
                .directory(Files.createDirectories(tmp.resolve("home")).toFile())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("deploy-jvm.log").toFile());
        pb.environment().clear();
        pb.environment().putAll(h.env);
        Process deployer = pb.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> buildProcesses().size() == 2);
            assertThat(h.rows().getLast().status()).isEqualTo("building");
        } finally {
            deployer.destroyForcibly();
            deployer.waitFor(30, TimeUnit.SECONDS);
        }
        List<ProcessHandle> orphans = buildProcesses();
        assertThat(orphans).as("the build outlived the killed deploy").hasSize(2);
        assertThat(h.dataDir.resolve("builds").resolve(v1)).isDirectory();

        assertThat(h.deploy("--settle-only")).isEqualTo(0);

        orphans.forEach(p -> assertThat(p.isAlive()).as("pid " + p.pid()).isFalse());
        assertThat(h.dataDir.resolve("builds").resolve(v1)).doesNotExist();
        Deployment d = h.rows().getLast();
        assertThat(d.status()).isEqualTo("failed");
        assertThat(h.reports().getLast()).contains("was building").doesNotContain("was failed")
                .contains("killed 3 leftover build process(es)") // sh and its two sleeps
                .contains("removed leftover checkout(s) " + v1);
    }

    private List<ProcessHandle> buildProcesses() {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.matches(".*sleep 61[13]")).orElse(false))
                .filter(p -> {
                    try {
                        return Files.readString(Path.of("/proc/" + p.pid() + "/environ")).contains(h.dataDir.resolve("builds").toString());
                    } catch (java.io.IOException e) {
                        return false;
                    }
                }).toList();
    }
}
