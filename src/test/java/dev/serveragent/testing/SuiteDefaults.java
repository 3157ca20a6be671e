package dev.serveragent.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Defaults for the whole test JVM, set once before any test runs (registered in
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}).
 *
 * <p>Awaitility looks every 50 ms, starting at once: its default (a first look after 100 ms, then
 * every 100 ms) added about a tenth of a second to every wait, and tests wait thousands of times.
 * The conditions are cheap reads (a fake's call list, a count in the test's own database).
 */
public final class SuiteDefaults implements LauncherSessionListener {
    static final Duration POLL = Duration.ofMillis(50);

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Awaitility.setDefaultPollInterval(POLL);
        Awaitility.setDefaultPollDelay(Duration.ZERO);
    }
}
