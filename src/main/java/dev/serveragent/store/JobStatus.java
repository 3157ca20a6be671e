package dev.serveragent.store;

import java.util.Arrays;
import java.util.List;

/** The {@code reactive_jobs.status} values (SPEC.md §3.1), in the order the meters list them. */
public enum JobStatus {
    QUEUED("queued"),
    RUNNING("running"),
    /** Parked behind a pending approval: waiting is a row, not a thread. */
    AWAITING_APPROVAL("awaiting_approval"),
    DONE("done"),
    FAILED("failed"),
    CANCELED("canceled");

    private final String sqlName;

    JobStatus(String sqlName) {
        this.sqlName = sqlName;
    }

    /** The value as the {@code status} column holds it. */
    public String sqlName() {
        return sqlName;
    }

    /** Every value as the column holds it, in declaration order. */
    public static List<String> sqlNames() {
        return Arrays.stream(values()).map(JobStatus::sqlName).toList();
    }

    @Override
    public String toString() {
        return sqlName;
    }
}
