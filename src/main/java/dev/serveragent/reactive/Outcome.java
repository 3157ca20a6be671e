package dev.serveragent.reactive;

import dev.serveragent.store.JobMode;
import java.time.Instant;

/** How a step of a job ended; the worker applies it to the job row. */
sealed interface Outcome {
    /** Finished successfully. */
    record Done(String payloadJson) implements Outcome {}

    /** Finished unsuccessfully; the Master has been told where that makes sense. */
    record Failed(String error) implements Outcome {}

    /** Not wanted any more (burst, /cancel). */
    record Canceled(String reason) implements Outcome {}

    /**
     * Back to the queue: the next mode, or the same one later. {@code countAttempt} false for
     * planned waits; {@code error}, for a retry, why this attempt failed (kept as the job's last error).
     */
    record Requeue(JobMode mode, String payloadJson, Instant runAfter, boolean countAttempt, String error) implements Outcome {
        Requeue(JobMode mode, String payloadJson, Instant runAfter, boolean countAttempt) {
            this(mode, payloadJson, runAfter, countAttempt, null);
        }
    }

    /** Already written by the step itself, in one transaction with its effects (parked for approval, or moved on with its acknowledgement). */
    record Parked() implements Outcome {}
}
