package dev.serveragent.proactive;

import dev.serveragent.store.MemoryRepository.ProjectUpsert;
import dev.serveragent.store.MemoryRepository.TaskUpsert;
import java.util.List;
import java.util.Optional;

/**
 * What a proactive cycle reports about itself in its structured block (see
 * {@code prompts/proactive-system.md} for the format the model is asked for).
 */
public record CycleOutcome(
        String summary,
        List<ProjectUpsert> projects,
        List<TaskUpsert> tasks,
        Optional<String> nextPromptAroma,
        List<Notable> notable,
        List<Proposal> proposals) {

    public CycleOutcome {
        projects = List.copyOf(projects);
        tasks = List.copyOf(tasks);
        notable = List.copyOf(notable);
        proposals = List.copyOf(proposals);
    }

    /** A result worth telling the Master about when {@code significance} (0..1) is high enough. */
    public record Notable(String text, double significance) {}

    /** A risky action the model did not take and proposes to the Master instead. */
    public record Proposal(String plan, String reason) {}

    /** The parse of a run's final text. */
    public sealed interface Parsed {
        record Ok(CycleOutcome outcome) implements Parsed {}

        /** No usable block; {@code reason} says what was wrong, for the cycle's record. */
        record Malformed(String reason) implements Parsed {}
    }
}
