package dev.serveragent.deploy;

import dev.serveragent.store.DeploymentRepository.Status;
import java.util.ArrayList;
import java.util.List;

/** The report of one deploy, built step by step: sent to the Master and stored in {@code report_text}. */
final class DeployReport {
    private final String sha;
    private final String branch;
    private final List<String> lines = new ArrayList<>();

    DeployReport(String sha, String branch, String runtime) {
        this.sha = sha;
        this.branch = branch;
        add("Runtime", runtime);
    }

    String sha() {
        return sha;
    }

    DeployReport add(String topic, String text) {
        lines.add(topic + ": " + text);
        return this;
    }

    String render(Status status) {
        StringBuilder sb = new StringBuilder()
                .append("Deploy of ").append(sha, 0, Math.min(12, sha.length())).append(" (").append(branch).append("): ")
                .append(status.db().toUpperCase(java.util.Locale.ROOT).replace('_', ' ')).append('\n')
                .append("Commit: ").append(sha);
        for (String line : lines) {
            sb.append('\n').append(line);
        }
        return sb.toString();
    }
}
