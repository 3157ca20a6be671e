package dev.serveragent.deploy;

import dev.serveragent.testing.FakeTelegram;
import dev.serveragent.testing.TelegramFixtures;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every end-to-end deploy test starts from: one database and one Bot API per class, and per
 * test an empty deployments table, a working Bot API, a fresh fixture repository and a
 * {@link DeployHarness} whose processes are killed afterwards. Subclasses add their runtime's
 * setup in their own {@code @BeforeEach}, which JUnit runs after this one.
 *
 * <p>The peers are kept per concrete class (not in a static field of this base class, which every
 * subclass would share): deploy test classes run in parallel with each other.
 */
abstract class DeployTestCase {
    private record Peers(TestDatabase db, FakeTelegram telegram) {}

    private static final Map<Class<?>, Peers> PEERS = new ConcurrentHashMap<>();

    final TestDatabase db = PEERS.get(getClass()).db();
    final FakeTelegram telegram = PEERS.get(getClass()).telegram();

    @TempDir
    Path tmp;

    FixtureRepo repo;
    DeployHarness h;

    @BeforeAll
    static void startPeers(TestInfo test) {
        PEERS.put(test.getTestClass().orElseThrow(), new Peers(TestDatabase.create(), FakeTelegram.start(TelegramFixtures.TOKEN)));
    }

    @AfterAll
    static void stopPeers(TestInfo test) {
        Peers peers = PEERS.remove(test.getTestClass().orElseThrow());
        peers.telegram().close();
        peers.db().close();
    }

    @BeforeEach
    void setUpDeploy() throws Exception {
        db.jdbi().useHandle(x -> x.execute("delete from deployments"));
        telegram.down(false);
        repo = new FixtureRepo(tmp.resolve("repo"));
        h = new DeployHarness(tmp, db, telegram, repo.dir);
    }

    @AfterEach
    void killInstances() {
        h.close();
    }

    /** Why this machine cannot dump the test database (no pg_dump, or one older than the server), if so. */
    java.util.Optional<String> noBackupsHere(Path tmp) {
        Shell shell = new Shell(java.util.Map.of("PATH", System.getenv("PATH")), java.time.Duration.ofSeconds(30));
        return new DatabaseBackup(db.url(), tmp.resolve("probe"), 1, shell, new dev.serveragent.store.DeploymentRepository(db.jdbi()))
                .unusableReason();
    }
}
