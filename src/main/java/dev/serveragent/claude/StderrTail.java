package dev.serveragent.claude;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Drains a process's stderr (a full pipe would block the CLI) and keeps its last characters for
 * error messages.
 */
final class StderrTail implements Runnable {
    static final int KEEP = 1000;

    private final InputStream in;
    private final StringBuilder tail = new StringBuilder();
    private final CountDownLatch done = new CountDownLatch(1);

    StderrTail(InputStream in) {
        this.in = in;
    }

    @Override
    public void run() {
        char[] buf = new char[8192];
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            int n;
            while ((n = r.read(buf)) > 0) {
                synchronized (tail) {
                    tail.append(buf, 0, n);
                    if (tail.length() > 4 * KEEP) {
                        tail.delete(0, tail.length() - KEEP);
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone; what was read is all there is
        } finally {
            done.countDown();
        }
    }

    /** The last {@link #KEEP} characters, waiting at most {@code wait} for the stream to end. */
    String awaitTail(Duration wait) {
        try {
            done.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (tail) {
            return tail.length() <= KEEP ? tail.toString() : tail.substring(tail.length() - KEEP);
        }
    }
}
