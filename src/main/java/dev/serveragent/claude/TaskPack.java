package dev.serveragent.claude;

import java.util.Optional;

/**
 * What to do now, as the classifier understood it.
 *
 * @param intent {@code question}, {@code command}, {@code other} (or {@code proactive})
 * @param summary one sentence: what the Master wants
 * @param plan one sentence: what the agent will do
 * @param lastApprovedPlan the last plan the Master approved in this thread, if any
 * @param channel how the Master reads the answer ("Telegram", "the browser console"); blank when not known
 */
public record TaskPack(String intent, String summary, String plan, Optional<String> lastApprovedPlan, String channel) {
    public TaskPack {
        channel = channel == null ? "" : channel;
        intent = intent == null ? "" : intent;
        summary = summary == null ? "" : summary;
        plan = plan == null ? "" : plan;
        lastApprovedPlan = lastApprovedPlan == null ? Optional.empty() : lastApprovedPlan;
    }

    public TaskPack(String intent, String summary, String plan, Optional<String> lastApprovedPlan) {
        this(intent, summary, plan, lastApprovedPlan, "");
    }
}
