package dev.serveragent.store;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code approvals.status} values (SPEC.md §3.1, plus {@code expired}). */
public enum ApprovalStatus {
    PENDING("pending"),
    APPROVED("approved"),
    REJECTED("rejected"),
    /** A newer message in the thread replaced the request. */
    SUPERSEDED("superseded"),
    /** Unanswered past {@code APPROVAL_TIMEOUT_SECONDS}. */
    EXPIRED("expired");

    private final String sqlName;

    ApprovalStatus(String sqlName) {
        this.sqlName = sqlName;
    }

    /** The value as the {@code status} column holds it. */
    public String sqlName() {
        return sqlName;
    }

    /** The status of a {@code status} column value, empty for any other. */
    public static Optional<ApprovalStatus> of(String sqlName) {
        return Arrays.stream(values()).filter(s -> s.sqlName.equals(sqlName)).findFirst();
    }

    /** Every value as the column holds it, in declaration order. */
    public static List<String> sqlNames() {
        return Arrays.stream(values()).map(ApprovalStatus::sqlName).toList();
    }

    @Override
    public String toString() {
        return sqlName;
    }
}
