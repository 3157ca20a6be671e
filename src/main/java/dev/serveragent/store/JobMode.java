package dev.serveragent.store;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a {@code reactive_jobs} row runs next ({@code mode}): a new message is classified, then
 * answered or executed. The schema's check also allows {@code plan} (SPEC.md §3.1, kept by the
 * contract's add-only rule), but no code has ever written it: a claimed row in it, or in any mode
 * this build does not know, has no {@link JobRepository.Job#mode()} and fails as such, instead of
 * failing the claim of every job beside it.
 */
public enum JobMode {
    /** Classify and acknowledge a new message (or answer a /command). */
    CLASSIFY("classify"),
    /** Answer a question with Claude Code, read-only. */
    ANSWER("answer"),
    /** Run a command with Claude Code. */
    EXECUTE("execute");

    private final String sqlName;

    JobMode(String sqlName) {
        this.sqlName = sqlName;
    }

    /** The value as the {@code mode} column holds it. */
    public String sqlName() {
        return sqlName;
    }

    /** The mode of a {@code mode} column value, empty for one this build does not know. */
    public static Optional<JobMode> find(String sqlName) {
        return Arrays.stream(values()).filter(m -> m.sqlName.equals(sqlName)).findFirst();
    }

    @Override
    public String toString() {
        return sqlName;
    }
}
