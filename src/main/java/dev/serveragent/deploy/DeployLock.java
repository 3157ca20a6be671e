package dev.serveragent.deploy;

import dev.serveragent.store.DeploymentRepository;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * One deploy at a time: a lock file under {@code DATA_DIR} (deploys on this machine) and a
 * Postgres advisory lock (deploys anywhere against this database, and the agent's own check
 * whether a deploy is running). Both die with their process, so a killed deploy leaves no lock.
 */
public final class DeployLock implements AutoCloseable {
    static final Duration RETRY = Duration.ofSeconds(1);

    private final FileChannel channel;
    private final FileLock fileLock;
    private final DeploymentRepository.Lock dbLock;

    private DeployLock(FileChannel channel, FileLock fileLock, DeploymentRepository.Lock dbLock) {
        this.channel = channel;
        this.fileLock = fileLock;
        this.dbLock = dbLock;
    }

    /** Takes both locks, waiting up to {@code wait} for a running deploy to end. */
    public static DeployLock acquire(DeploymentRepository deployments, Path lockFile, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<DeployLock> lock = tryAcquire(deployments, lockFile);
            if (lock.isPresent()) {
                return lock.get();
            }
            if (System.nanoTime() >= deadline) {
                throw new DeployException("another deploy is running (lock " + lockFile + " or the database's deploy lock is held);"
                        + " waited " + wait.toSeconds() + " s");
            }
            try {
                Thread.sleep(RETRY);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeployException("interrupted while waiting for the deploy lock", e);
            }
        }
    }

    private static Optional<DeployLock> tryAcquire(DeploymentRepository deployments, Path lockFile) {
        FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.getParent());
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fl = channel.tryLock();
            if (fl == null) {
                channel.close();
                return Optional.empty();
            }
            Optional<DeploymentRepository.Lock> db = deployments.tryLock();
            if (db.isEmpty()) {
                fl.release();
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new DeployLock(channel, fl, db.get()));
        } catch (OverlappingFileLockException e) {
            // Held by another deploy inside this same JVM (tests): the same as held elsewhere.
            closeQuietly(channel);
            return Optional.empty();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DeployException("cannot use the lock file " + lockFile + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // Closing a channel we failed to lock: nothing is held, nothing to undo.
        }
    }

    @Override
    public void close() {
        try {
            dbLock.close();
        } finally {
            try {
                fileLock.release();
                channel.close();
            } catch (IOException e) {
                // The file lock dies with the channel (or the process) anyway.
            }
        }
    }
}
