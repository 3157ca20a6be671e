package dev.serveragent.claude;

import java.util.Optional;

/**
 * What to do now, as the classifier understood it.
 *
 * @param intent {@code question}, {@code command}, {@code other} (or {@code proactive})
 * @param summary one sentence: what the Master wants
 * @param plan one sentence: what the agent will do
 * @param lastApprovedPlan the last plan the Master approved in this thread, if any
 */
public record TaskPack(String intent, String summary, String plan, Optional<String> lastApprovedPlan) {
    public TaskPack {
        intent = intent == null ? "" : intent;
        summary = summary == null ? "" : summary;
        plan = plan == null ? "" : plan;
        lastApprovedPlan = lastApprovedPlan == null ? Optional.empty() : lastApprovedPlan;
    }
}
