package dev.serveragent.reactive;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.serveragent.claude.ClaudeCodeRunner;
import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.ContextArtifact;
import dev.serveragent.claude.ContextMessage;
import dev.serveragent.claude.PromptPack;
import dev.serveragent.claude.Speakers;
import dev.serveragent.claude.TaskPack;
import dev.serveragent.store.ContextRepository.Message;
import java.util.List;
import java.util.Optional;

/** {@link ExecutionPrompts} from the Claude Code prompt pack: stored messages mapped to its records. */
public final class PackedPrompts implements ExecutionPrompts {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PromptPack pack;
    private final ClaudeCodeRunner runner;

    public PackedPrompts(PromptPack pack, ClaudeCodeRunner runner) {
        this.pack = pack;
        this.runner = runner;
    }

    @Override
    public ClaudeRequest request(String prompt, String systemPrompt, ClaudeRequest.Mode mode) {
        return runner.request(prompt, systemPrompt, mode);
    }

    @Override
    public String system(ClaudeRequest.Mode mode) {
        return pack.systemPrompt(mode);
    }

    @Override
    public String user(long threadId, List<Message> recent, String intent, String summary, String plan, Optional<String> lastApprovedPlan,
                       String channel) {
        List<ContextMessage> context = recent.stream()
                .map(m -> new ContextMessage(m.role(), m.text(), m.createdAt(), m.artifacts().stream()
                        .map(a -> new ContextArtifact(a.kind(), a.status(),
                                a.status().equals("failed") ? JSON.createObjectNode().put("error", a.error()).toString() : a.contentJson()))
                        .toList(), m.forwarded(), m.quoted(), m.member() ? Speakers.member(m.authorUserId(), m.authorName()) : null))
                .toList();
        return pack.userPrompt(threadId, context, new TaskPack(intent, summary, plan, lastApprovedPlan, channel));
    }
}
