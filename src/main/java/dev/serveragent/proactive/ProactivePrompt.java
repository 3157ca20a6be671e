package dev.serveragent.proactive;

import dev.serveragent.store.MemoryRepository;
import dev.serveragent.store.MemoryRepository.Note;
import dev.serveragent.store.MemoryRepository.Project;
import dev.serveragent.store.MemoryRepository.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * Builds a cycle's prompt from memory: projects and tasks in progress, the last cycles' summaries
 * and the latest "next prompt aroma". The invariant rules and the outcome format are the system
 * prompt ({@code prompts/proactive-system.md}). Thread-safe.
 */
public final class ProactivePrompt {
    static final int TASKS = 25;
    static final int PROJECTS = 10;
    static final int SUMMARIES = 5;

    private final MemoryRepository memory;
    private final Supplier<List<String>> goals;
    private final String system;

    public ProactivePrompt(MemoryRepository memory) {
        this(memory, List::of);
    }

    /** @param goals the Master's standing goals, each one line ("#3 keep the backups verified"), read at each cycle */
    public ProactivePrompt(MemoryRepository memory, Supplier<List<String>> goals) {
        this.memory = memory;
        this.goals = goals;
        this.system = resource("/prompts/proactive-system.md");
    }

    /** The prompt pair of one cycle. */
    public record Prompt(String system, String user) {}

    public Prompt build(Instant now, long tokenCeiling) {
        List<Project> projects = memory.activeProjects(PROJECTS);
        List<Task> tasks = memory.openTasks(TASKS);
        List<Note> summaries = memory.latestNotes("cycle_summary", SUMMARIES);
        List<Note> aroma = memory.latestNotes("aroma", 1);

        StringBuilder u = new StringBuilder();
        u.append("Proactive cycle at ").append(now).append(" (UTC). Today's proactive budget has ").append(tokenCeiling)
                .append(" tokens left; this run is stopped when it crosses that, and every token spent now shortens")
                .append(" the day's remaining cycles. Keep the step small.\n\n");
        u.append("## Note from your previous cycle\n");
        u.append(aroma.isEmpty() ? "(none yet: this is a first cycle; look around and start a useful project)" : aroma.get(0).content())
                .append("\n\n");
        List<String> standing = goals.get();
        if (!standing.isEmpty()) {
            u.append("## The Master's standing goals (work toward them when no autonomous task is open)\n");
            standing.forEach(g -> u.append("- ").append(g).append('\n'));
            u.append('\n');
        }
        u.append("## Active projects\n");
        if (projects.isEmpty()) {
            u.append("(none)\n");
        }
        for (Project p : projects) {
            u.append("- ").append(p.name()).append(p.description().map(d -> ": " + d).orElse("")).append('\n');
        }
        u.append("\n## Open tasks (id, status, priority)\n");
        if (tasks.isEmpty()) {
            u.append("(none)\n");
        }
        for (Task t : tasks) {
            u.append("- #").append(t.id()).append(" [").append(t.status()).append(", p").append(t.priority()).append("] ")
                    .append(t.project().map(p -> p + ": ").orElse("")).append(t.title())
                    .append(t.description().map(d -> " — " + d).orElse(""))
                    .append(t.notes().map(n -> " (notes: " + n + ")").orElse("")).append('\n');
        }
        u.append("\n## Last cycles, newest first\n");
        if (summaries.isEmpty()) {
            u.append("(none)\n");
        }
        for (Note n : summaries) {
            u.append("- ").append(n.createdAt()).append(": ").append(n.content()).append('\n');
        }
        u.append("\nDo one useful step now, then record it with report_outcome (or, without that tool, end with the ```json outcome block).\n");
        return new Prompt(system, u.toString());
    }

    private static String resource(String name) {
        try (InputStream in = ProactivePrompt.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
