package dev.serveragent.config;

import java.time.Duration;

/** When a message waits for the Master's OK, and for how long. */
public record ApprovalConfig(Policy policy, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3600);

    public enum Policy {
        /** Proceed at once when the classifier says no confirmation is needed. */
        AUTO,
        /** Every message waits for OK. */
        ALWAYS
    }

    static ApprovalConfig from(Settings s) {
        return new ApprovalConfig(
                s.choice("APPROVAL_POLICY", Policy.class, Policy.AUTO),
                s.seconds("APPROVAL_TIMEOUT_SECONDS", DEFAULT_TIMEOUT, 10, 30L * 24 * 3600));
    }
}
