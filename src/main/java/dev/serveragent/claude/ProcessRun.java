package dev.serveragent.claude;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Claude Code process. Virtual threads: one writes the prompt to stdin, one reads
 * and parses stdout, one keeps the tail of stderr, one enforces the wall-clock timeout. Every way
 * a run can end (result line, crash, timeout, cancel, ceiling, malformed output) completes the
 * same future exactly once; forced endings kill the whole process tree first.
 */
final class ProcessRun implements ClaudeRun {
    private static final Logger log = LoggerFactory.getLogger(ProcessRun.class);
    /** Longest stream-json line accepted; a single assistant message can be large, not unbounded. */
    static final int MAX_LINE_CHARS = 32 * 1024 * 1024;
    /** How long stray processes may hold stdout open after the CLI itself has exited. */
    static final Duration EXIT_GRACE = Duration.ofSeconds(3);

    private record Stop(ClaudeResult.Kind kind, String message) {}

    private final Process process;
    private final boolean ownGroup;
    private final ClaudeRequest request;
    private final UnaryOperator<String> scrub;
    private final StreamParser parser = new StreamParser();
    private final StderrTail stderr;
    private final AtomicReference<Stop> stop = new AtomicReference<>();
    private final CompletableFuture<ClaudeResult> result = new CompletableFuture<>();

    private ProcessRun(Process process, boolean ownGroup, ClaudeRequest request, UnaryOperator<String> scrub) {
        this.process = process;
        this.ownGroup = ownGroup;
        this.request = request;
        this.scrub = scrub;
        this.stderr = new StderrTail(process.getErrorStream());
    }

    static ProcessRun start(Process process, boolean ownGroup, ClaudeRequest request, UnaryOperator<String> scrub) {
        ProcessRun run = new ProcessRun(process, ownGroup, request, scrub);
        String name = "claude-" + process.pid();
        Thread.ofVirtual().name(name + "-stdin").start(run::writePrompt);
        Thread.ofVirtual().name(name + "-stderr").start(run.stderr);
        Thread.ofVirtual().name(name + "-stdout").start(run::readLoop);
        Thread.ofVirtual().name(name + "-timeout").start(run::enforceTimeout);
        process.onExit().thenRun(() -> Thread.ofVirtual().name(name + "-exit").start(run::reapStrays));
        return run;
    }

    long pid() {
        return process.pid();
    }

    /** Runs {@code action} once the result is known (at once if it already is). */
    void whenDone(Runnable action) {
        result.whenComplete((r, e) -> action.run());
    }

    @Override
    public ClaudeResult await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("run " + process.pid() + " ended without a result", e.getCause());
        }
    }

    @Override
    public Optional<ClaudeResult> await(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(result.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException("run " + process.pid() + " ended without a result", e.getCause());
        }
    }

    @Override
    public void cancel() {
        stop(ClaudeResult.Kind.CANCELED, "The run was canceled.");
    }

    private void stop(ClaudeResult.Kind kind, String message) {
        if (!result.isDone() && stop.compareAndSet(null, new Stop(kind, message))) {
            log.info("Stopping Claude Code run {} ({}): {}", process.pid(), kind, message);
            ProcessTree.kill(process.toHandle(), ownGroup);
        }
    }

    private void writePrompt() {
        try (OutputStream in = process.getOutputStream()) {
            in.write(request.prompt().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The CLI exited or closed stdin early; the reader reports how the run ended.
            log.debug("Could not write the whole prompt to Claude Code run {}: {}", process.pid(), e.toString());
        }
    }

    private void enforceTimeout() {
        try {
            result.get(request.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            stop(ClaudeResult.Kind.TIMEOUT, "Claude Code did not finish within " + human(request.timeout()) + " and was stopped.");
        } catch (InterruptedException | ExecutionException e) {
            // the run is over (or this thread is being torn down): nothing left to time out
        }
    }

    /** The CLI has exited; anything of its group still holding stdout open past a grace period is killed. */
    private void reapStrays() {
        try {
            result.get(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.info("Claude Code run {} exited but its stdout is still held open; killing its process group", process.pid());
            ProcessTree.kill(process.toHandle(), ownGroup);
            if (ownGroup) {
                ProcessTree.killGroup(process.pid());
            }
        } catch (InterruptedException | ExecutionException e) {
            // the run is over
        }
    }

    private void readLoop() {
        try {
            BoundedLineReader lines = new BoundedLineReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), MAX_LINE_CHARS);
            String line;
            while ((line = lines.readLine()) != null) {
                handle(line, lines.terminated());
            }
        } catch (IOException e) {
            // The stream broke because the tree was killed, or the pipe failed: the outcome says which.
            log.debug("Reading Claude Code run {} ended: {}", process.pid(), e.toString());
        } catch (RuntimeException | Error e) {
            log.error("Claude Code run {}: reader failed", process.pid(), e);
            stop(ClaudeResult.Kind.CRASHED, "Internal error while reading Claude Code's output: " + e);
        } finally {
            result.complete(finish());
        }
    }

    private void handle(String line, boolean terminated) {
        boolean stopped = stop.get() != null;
        if (line == BoundedLineReader.TOO_LONG) {
            stop(ClaudeResult.Kind.MALFORMED, "Claude Code printed a line longer than " + MAX_LINE_CHARS + " characters.");
            return;
        }
        List<ClaudeEvent> events;
        try {
            events = parser.parse(line);
        } catch (StreamParser.MalformedLineException e) {
            if (!terminated) {
                // Cut off by the end of the stream: the process died mid-line, which finish() reports as such.
                log.debug("Claude Code run {}: ignoring an unterminated last line", process.pid());
                return;
            }
            stop(ClaudeResult.Kind.MALFORMED, "Claude Code printed a line that is not stream-json: " + scrub.apply(e.getMessage()));
            return;
        }
        if (stopped) {
            return; // still parsed, so the usage of lines already on their way is counted
        }
        for (ClaudeEvent e : events) {
            try {
                request.onEvent().accept(e);
            } catch (RuntimeException ex) {
                log.warn("Claude Code event listener failed on {}: {}", e.getClass().getSimpleName(), ex.toString());
            }
        }
        if (request.tokenCeiling().isPresent() && parser.result().isEmpty()) {
            long used = parser.usageSoFar().totalTokens();
            long ceiling = request.tokenCeiling().getAsLong();
            if (used > ceiling) {
                stop(ClaudeResult.Kind.CEILING, "Token ceiling of " + ceiling + " crossed (" + used + " used); the run was stopped.");
            }
        }
    }

    private ClaudeResult finish() {
        int exit = waitForExit();
        String errTail = stderr.awaitTail(Duration.ofSeconds(2));
        Usage usage = parser.usageSoFar();
        Optional<String> session = parser.sessionId();
        Stop s = stop.get();
        ClaudeResult r;
        if (s != null) {
            r = new ClaudeResult.Failed(s.kind(), scrub.apply(s.message()), session, usage);
        } else if (parser.result().isPresent()) {
            ClaudeEvent.Result res = parser.result().get();
            if (res.isError() || !res.subtype().equals("success")) {
                r = new ClaudeResult.Failed(ClaudeResult.Kind.ERROR_RESULT, scrub.apply(errorMessage(res, errTail)), session, usage);
            } else {
                String text = res.text().isEmpty() ? parser.lastAssistantText() : res.text();
                r = new ClaudeResult.Completed(text, session, res.numTurns(), res.totalCostUsd(), usage);
            }
        } else {
            r = new ClaudeResult.Failed(ClaudeResult.Kind.CRASHED, scrub.apply("Claude Code exited with code " + exit
                    + " before reporting a result." + (errTail.isBlank() ? "" : " stderr: " + errTail.strip())), session, usage);
        }
        log.info("Claude Code run {} ended: {} (exit {}, {} tokens)", process.pid(),
                r instanceof ClaudeResult.Failed f ? f.kind() : "completed", exit, usage.totalTokens());
        return r;
    }

    private int waitForExit() {
        try {
            return process.waitFor(); // the timeout thread kills a process that never exits
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessTree.kill(process.toHandle(), ownGroup);
            return -1;
        }
    }

    private static String errorMessage(ClaudeEvent.Result r, String errTail) {
        String detail = r.text().isBlank() ? (errTail.isBlank() ? "" : " stderr: " + errTail.strip()) : " " + r.text().strip();
        return switch (r.subtype()) {
            case "error_max_turns" -> "Claude Code stopped at its turn limit after " + r.numTurns() + " turns.";
            case "error_max_budget_usd" -> "Claude Code stopped at its spending limit.";
            case "error_during_execution" -> "Claude Code failed during execution." + detail;
            default -> "Claude Code reported an error (" + r.subtype() + ")." + detail;
        };
    }

    private static String human(Duration d) {
        return d.toSeconds() % 60 == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toMillis() / 1000.0 + " s";
    }
}
