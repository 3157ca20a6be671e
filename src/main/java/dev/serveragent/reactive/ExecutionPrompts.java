package dev.serveragent.reactive;

import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.store.ContextRepository.Message;
import java.util.List;
import java.util.Optional;

/** Builds Claude Code's prompts for answering or executing (system prompt with tooling index; context and task packs). */
public interface ExecutionPrompts {
    String system(ClaudeRequest.Mode mode);

    /**
     * @param threadId the run's chat (what it may know depends on it: a group sees only its own notes)
     * @param recent the thread's last messages, oldest first, ending with the trigger
     * @param intent question|command|other; {@code summary} and {@code plan} as acknowledged
     * @param lastApprovedPlan the thread's last approved plan, if any
     */
    String user(long threadId, List<Message> recent, String intent, String summary, String plan, Optional<String> lastApprovedPlan, String channel);

    /** A request with the operator's defaults (model, max turns, timeout). */
    ClaudeRequest request(String prompt, String systemPrompt, ClaudeRequest.Mode mode);
}
