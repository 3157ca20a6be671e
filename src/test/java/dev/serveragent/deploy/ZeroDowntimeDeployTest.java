package dev.serveragent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.deploy.FixtureRepo.Version;
import dev.serveragent.store.DeploymentRepository.Deployment;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The process runtime's swap without a gap: the new release binds the port beside the running one
 * (SO_REUSEPORT), and the old one stops only once the new one is healthy. A prober on fresh
 * connections runs through each deploy and counts every answer.
 */
class ZeroDowntimeDeployTest extends DeployTestCase {
    /** Probes {@code /version} on new connections until closed: answers by body, and the ones that failed. */
    final class Prober implements AutoCloseable {
        final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        /** Connections that got no HTTP answer at all (reset or refused). */
        final AtomicInteger failed = new AtomicInteger();
        /** HTTP answers other than 200. */
        final AtomicInteger httpErrors = new AtomicInteger();
        private final AtomicBoolean on = new AtomicBoolean(true);
        private final Thread thread = Thread.ofVirtual().start(() -> {
            InstanceHealth probe = new InstanceHealth("127.0.0.1");
            while (on.get()) {
                InstanceHealth.Answer a = probe.probe(h.port, "/version");
                if (a.status() == 200) {
                    answers.computeIfAbsent(a.body(), k -> new AtomicInteger()).incrementAndGet();
                } else if (a.status() == 0) {
                    failed.incrementAndGet();
                } else {
                    httpErrors.incrementAndGet();
                }
            }
        });

        @Override
        public void close() throws InterruptedException {
            on.set(false);
            thread.join();
        }
    }

    /**
     * Whether the kernel hands a closing listener's queued connections to another socket of its
     * SO_REUSEPORT group (Linux 5.14+, {@code net.ipv4.tcp_migrate_req=1}). Without it, a connection
     * that reached the old instance's queue in the instant it closes is reset (and retried by
     * Telegram): a window of microseconds, which these tests then bound rather than forbid.
     */
    static boolean queuedConnectionsMigrate() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_migrate_req")).strip().equals("1");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void assertNoGap(Prober prober) {
        assertThat(prober.httpErrors.get()).as("non-200 answers during the swap").isZero();
        assertThat(prober.failed.get()).as("probes without an answer during the swap (tcp_migrate_req %s)",
                queuedConnectionsMigrate() ? "on" : "off").isLessThanOrEqualTo(queuedConnectionsMigrate() ? 0 : 2);
    }

    @Test
    void a_good_deploy_starts_beside_the_running_release_and_no_probe_goes_unanswered() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);
        long oldPid = h.runningPid();
        String v2 = repo.commit(Version.good("v2"));

        Prober prober = new Prober();
        try (prober) {
            assertThat(h.deploy("--sha", v2)).isEqualTo(0);
        }

        assertNoGap(prober);
        assertThat(prober.answers).containsKeys("v1", "v2");
        assertThat(h.servedVersion()).contains("v2");
        assertThat(ProcessHandle.of(oldPid).map(ProcessHandle::isAlive).orElse(false)).as("the old release exited").isFalse();
        Deployment d = h.rows().getLast();
        assertThat(d.reportText()).contains("Swap: zero downtime: started beside the running release, then pid " + oldPid + " drained and exited");
    }

    @Test
    void a_failed_new_release_never_interrupts_the_running_one() throws Exception {
        String v1 = repo.commit(Version.good("v1"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);
        long pid = h.runningPid();
        String v2 = repo.commit(new Version("v2", false, true, null));

        Prober prober = new Prober();
        try (prober) {
            assertThat(h.deploy("--sha", v2)).isEqualTo(1);
        }

        assertNoGap(prober);
        assertThat(prober.answers.get("v1").get()).isPositive();
        assertThat(h.runningPid()).as("the same process served throughout").isEqualTo(pid);
        Deployment d = h.rows().getLast();
        assertThat(d.status()).isEqualTo("rolled_back");
        assertThat(d.reportText()).contains("Rollback: " + v1 + " kept serving throughout; the new instance was stopped");
    }

    @Test
    void a_running_release_that_cannot_share_its_port_is_stopped_first() throws Exception {
        String v1 = repo.commit(Version.exclusivePort("v1"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);
        String v2 = repo.commit(Version.good("v2"));

        assertThat(h.deploy("--sha", v2)).isEqualTo(0);

        assertThat(h.servedVersion()).contains("v2");
        assertThat(h.rows().getLast().reportText())
                .contains("Swap: the running release does not share its port (no SO_REUSEPORT): stopped it first");
    }

    @Test
    void with_zero_downtime_off_the_running_release_is_stopped_before_the_new_one_starts() throws Exception {
        h.env.put("DEPLOY_ZERO_DOWNTIME", "false");
        String v1 = repo.commit(Version.good("v1"));
        assertThat(h.deploy("--sha", v1)).isEqualTo(0);
        String v2 = repo.commit(Version.good("v2"));
        assertThat(h.deploy("--sha", v2)).isEqualTo(0);
        assertThat(h.servedVersion()).contains("v2");
        assertThat(h.rows().getLast().reportText()).doesNotContain("Swap:");
    }
}
