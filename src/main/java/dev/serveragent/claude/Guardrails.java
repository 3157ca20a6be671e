package dev.serveragent.claude;

import dev.serveragent.config.ClaudeCodeConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * What a run may touch: the tools each mode may use without asking, the destructive command
 * patterns denied in every mode, and the one working directory.
 *
 * <p>Runs use {@code --permission-mode dontAsk}: anything not on the allow-list is refused
 * rather than prompted for (there is nobody to answer a prompt), and the deny-list wins over the
 * allow-list. Claude Code confines its file tools to the working directory (no {@code --add-dir}
 * is passed). This is a guardrail against mistakes, not a sandbox against a hostile model: run
 * the agent as an unprivileged user or in a container for that.
 */
public record Guardrails(List<String> question, List<String> command, List<String> proactive, List<String> deny, Path workdir) {
    public Guardrails {
        question = List.copyOf(question);
        command = List.copyOf(command);
        proactive = List.copyOf(proactive);
        deny = List.copyOf(deny);
    }

    public static Guardrails from(ClaudeCodeConfig c) {
        return new Guardrails(c.allowedToolsQuestion(), c.allowedToolsCommand(), c.allowedToolsProactive(), c.deny(), c.workdir());
    }

    /** The tools {@code mode} may use; CLASSIFY has none. */
    public List<String> allowedTools(ClaudeRequest.Mode mode) {
        return switch (mode) {
            case QUESTION -> question;
            case COMMAND -> command;
            case PROACTIVE -> proactive;
            case CLASSIFY -> List.of();
        };
    }
}
