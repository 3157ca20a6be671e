package dev.serveragent.deploy;

import java.nio.file.Path;
import java.util.Set;

/**
 * Where releases run: {@link ProcessRuntime} (a detached child process per release jar) or
 * {@link ComposeRuntime} (a docker compose service per image tag). Releases are named by git SHA.
 * Methods throw {@link DeployException} with words on failure. Used by one deploy at a time.
 */
public interface DeployRuntime {
    /** {@code process} or {@code compose}, as stored in {@code deployments.runtime}. */
    String name();

    /** Builds {@code sha}'s release from its checkout and keeps it; returns a one-line description. */
    String build(String sha, Path checkout);

    /** Whether {@code sha}'s release is still kept, so it can be started (again). */
    boolean hasRelease(String sha);

    /** Stops the running instance, if any; returns once it is gone. */
    void stop();

    /** Clears caches between stopping one release and starting another; returns what was cleared. */
    String clearCaches();

    /** Starts {@code sha}'s release, detached from this process. */
    void start(String sha);

    /** Whether the release started last is still running; false ends a health wait early. */
    boolean running();

    /** What the release started last said before failing (exit status, its own error line), or empty. */
    String failureDetails();

    /**
     * Whether the next release can start beside the running one, both on the one port
     * (SO_REUSEPORT), for a swap without a gap: {@link #startBeside}, then {@link #retirePrevious}
     * or {@link #stopStarted}. False: {@link #stop} first, then {@link #start}.
     */
    default boolean startsBeside() {
        return false;
    }

    /** Starts {@code sha}'s release while the running one goes on serving. */
    default void startBeside(String sha) {
        throw new UnsupportedOperationException(name() + " cannot start a release beside the running one");
    }

    /** The pid of the release started last, which its {@code /healthz} names. */
    default long startedPid() {
        return -1;
    }

    /** The release started beside is healthy: stops the previous one (it drains and exits); returns what was done. */
    default String retirePrevious() {
        throw new UnsupportedOperationException(name() + " cannot start a release beside the running one");
    }

    /** Stops only the release started last; the one that ran before it goes on untouched. */
    default void stopStarted() {
        throw new UnsupportedOperationException(name() + " cannot start a release beside the running one");
    }

    /**
     * Readies {@code sha}'s built release for a faster start, before the swap (the process
     * runtime makes its JDK 25 AOT cache); what was done, for the report, or empty when nothing
     * applies. Never fails the deploy: a release that cannot be readied starts the plain way.
     */
    default java.util.Optional<String> prepareStart(String sha) {
        return java.util.Optional.empty();
    }

    /** Removes every kept release not in {@code keep}. */
    void prune(Set<String> keep);
}
