package dev.serveragent.mcp;

import dev.serveragent.agenda.AgendaException;
import dev.serveragent.agenda.Scope;
import dev.serveragent.claude.ClaudeRequest;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the agenda tools ({@code list_tasks}, {@code add_task}, {@code update_task}, {@code schedule},
 * {@code list_schedules}, {@code cancel_schedule}) share: the caller's agenda {@link Scope} from its
 * grant, and refusals of the agenda services turned into tool errors with their message.
 */
final class AgendaTools {
    /** Runs for the Master: every agenda tool. */
    static final Set<ClaudeRequest.Mode> REACTIVE =
            Collections.unmodifiableSet(EnumSet.of(ClaudeRequest.Mode.QUESTION, ClaudeRequest.Mode.COMMAND));
    /** Reading the agenda and keeping tasks: reactive runs and the proactive loop (Scope's rules). */
    static final Set<ClaudeRequest.Mode> ALL = Collections.unmodifiableSet(
            EnumSet.of(ClaudeRequest.Mode.QUESTION, ClaudeRequest.Mode.COMMAND, ClaudeRequest.Mode.PROACTIVE));

    private AgendaTools() {}

    /** The scope of a tool that acts on the run's own conversation (schedules): refused when the run has none. */
    static Scope threadScope(RunGrant grant, String tool) {
        return scope(grant, grant.requireThread(tool));
    }

    /** The scope of a tool on the Master's one task list, which belongs to no thread (0 when the run has none). */
    static Scope taskScope(RunGrant grant) {
        return scope(grant, grant.threadId().orElse(0));
    }

    static Scope scope(RunGrant grant, long thread) {
        return switch (grant.mode()) {
            case PROACTIVE -> Scope.proactive(thread);
            case QUESTION -> Scope.question(thread);
            default -> Scope.reactive(thread);
        };
    }

    /** {@code action}'s result; an {@link AgendaException} becomes a {@link ToolException} with its message. */
    static <T> T run(Supplier<T> action) {
        try {
            return action.get();
        } catch (AgendaException e) {
            throw new ToolException(e.getMessage());
        }
    }
}
