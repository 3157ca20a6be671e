package dev.serveragent.reactive;

import dev.serveragent.config.TelegramConfig;
import dev.serveragent.store.ContextRepository;
import dev.serveragent.store.ContextRepository.Message;
import dev.serveragent.store.JobRepository.Job;
import dev.serveragent.telegram.Outbox;
import java.util.List;
import java.util.Optional;

/** Runs one step of a claimed job according to its mode. Thread-safe: one call per claimed job. */
final class JobHandler {
    private final ContextRepository context;
    private final TelegramConfig telegram;
    private final MasterCommands commands;
    private final ClassifyStep classify;
    private final ExecuteStep execute;
    private final Outbox outbox;

    JobHandler(ContextRepository context, TelegramConfig telegram, MasterCommands commands, ClassifyStep classify,
            ExecuteStep execute, Outbox outbox) {
        this.context = context;
        this.telegram = telegram;
        this.commands = commands;
        this.classify = classify;
        this.execute = execute;
        this.outbox = outbox;
    }

    Outcome handle(Job job, String workerId) throws InterruptedException {
        Optional<ContextRepository.Thread> thread = context.thread(job.threadId());
        if (thread.isEmpty()) {
            return new Outcome.Failed("thread " + job.threadId() + " not found");
        }
        long chatId = thread.get().chatId();
        if (thread.get().platform().equals("telegram") && !telegram.isMaster(chatId)) {
            // Strangers' messages are kept, but no model is called and nothing runs.
            return new Outcome.Done("{\"skipped\":\"chat is not in MASTER_CHAT_IDS\"}");
        }
        List<Message> recent = job.triggerMessageId() == null
                ? context.lastMessages(job.threadId(), ClassifyStep.CONTEXT_MESSAGES)
                : context.lastMessages(job.threadId(), job.triggerMessageId(), ClassifyStep.CONTEXT_MESSAGES);
        return switch (job.mode()) {
            case "classify" -> {
                if (recent.isEmpty()) {
                    yield new Outcome.Failed("trigger message not found");
                }
                Message trigger = recent.getLast();
                Optional<String> reply = trigger.text() != null && trigger.text().startsWith("/")
                        ? commands.handle(job.threadId(), job.id(), trigger.text())
                        : Optional.empty();
                if (reply.isPresent()) {
                    outbox.send(job.threadId(), reply.get());
                    yield new Outcome.Done(null);
                }
                yield classify.run(job, workerId, recent, trigger);
            }
            case "execute" -> {
                if (job.reclaimed()) {
                    // Its replica died mid-run: re-running a command could do it twice. Tell the Master instead.
                    outbox.send(job.threadId(), "A command was interrupted by a restart and did not finish. "
                            + "Send it again if you still want it done.");
                    yield new Outcome.Failed("interrupted: the replica running it stopped");
                }
                yield execute.run(job, recent, chatId);
            }
            case "answer", "plan" -> execute.run(job, recent, chatId);
            default -> new Outcome.Failed("unknown mode " + job.mode());
        };
    }
}
