package dev.serveragent.reactive;

import dev.serveragent.channel.Channels;
import dev.serveragent.channel.Outbox;
import dev.serveragent.masters.Masters;
import dev.serveragent.masters.Pairing;
import dev.serveragent.masters.PairingHint;
import dev.serveragent.store.ContextRepository;
import dev.serveragent.store.ContextRepository.Message;
import dev.serveragent.store.JobMode;
import dev.serveragent.store.JobRepository.Job;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one step of a claimed job according to its mode, in any channel. Only a Master's message
 * acts (the sender decides, never the chat); a stranger's is stored and gets no model call, with
 * two exceptions: in a channel that pairs ({@link Masters#pairs}), {@code /pair CODE} (or {@code
 * /start CODE}, what a deep link sends), which is how its user becomes a Master, and, while no
 * Master exists at all, the fixed {@link PairingHint} in a private chat. Thread-safe: one call per claimed job.
 */
final class JobHandler {
    private static final Pattern PAIR = Pattern.compile("^/pair(?:@\\w+)?(?:\\s+(\\S+))?\\s*$", Pattern.CASE_INSENSITIVE);
    /** What a pairing deep link makes the client send; a bare /start is not pairing. */
    private static final Pattern START = Pattern.compile("^/start(?:@\\w+)?\\s+(\\S+)\\s*$", Pattern.CASE_INSENSITIVE);

    private final ContextRepository context;
    private final Masters masters;
    private final Pairing pairing;
    private final PairingHint hint;
    private final Channels channels;
    private final MasterCommands commands;
    private final ClassifyStep classify;
    private final ExecuteStep execute;
    private final Outbox outbox;
    private volatile CommandExtension extension = CommandExtension.NONE;

    JobHandler(ContextRepository context, Masters masters, Pairing pairing, PairingHint hint, Channels channels, MasterCommands commands,
               ClassifyStep classify, ExecuteStep execute, Outbox outbox) {
        this.context = context;
        this.masters = masters;
        this.pairing = pairing;
        this.hint = hint;
        this.channels = channels;
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
        String platform = thread.get().platform();
        if (job.triggerMessageId() != null) {
            Optional<Outcome> gated = gate(job, thread.get());
            if (gated.isPresent()) {
                return gated.get();
            }
        }
        String channel = channels.describe(platform);
        // Every message names its real author: the Masters' words are the Master's, anyone else's are data.
        Predicate<Long> isMaster = userId -> masters.isMaster(platform, userId);
        List<Message> recent = job.triggerMessageId() == null
                ? context.lastMessages(job.threadId(), ClassifyStep.CONTEXT_MESSAGES, isMaster, channels.payloads(platform))
                : context.lastMessages(job.threadId(), job.triggerMessageId(), ClassifyStep.CONTEXT_MESSAGES, isMaster,
                        channels.payloads(platform));
        return switch (job.mode()) {
            case CLASSIFY -> {
                if (recent.isEmpty()) {
                    yield new Outcome.Failed("trigger message not found");
                }
                Message trigger = recent.getLast();
                if (trigger.text() != null && trigger.text().startsWith("/") && extension.handle(job.threadId(), trigger.text())) {
                    yield new Outcome.Done(null);
                }
                Optional<String> reply = trigger.text() != null && trigger.text().startsWith("/")
                        ? commands.handle(job.threadId(), job.id(), trigger.text())
                        : Optional.empty();
                if (reply.isPresent()) {
                    outbox.send(job.threadId(), reply.get());
                    yield new Outcome.Done(null);
                }
                yield classify.run(job, workerId, recent, trigger, channel);
            }
            case EXECUTE -> {
                if (job.reclaimed()) {
                    // Its replica died mid-run: re-running a command could do it twice. Tell the Master instead.
                    outbox.send(job.threadId(), "A command was interrupted by a restart and did not finish. "
                            + "Send it again if you still want it done.");
                    yield new Outcome.Failed("interrupted: the replica running it stopped");
                }
                yield execute.run(job, recent, channel);
            }
            case ANSWER -> execute.run(job, recent, channel);
            case null -> new Outcome.Failed("a job mode this build does not know");
        };
    }

    /** Adds another capability's slash commands (asked before the built-in ones). */
    void extend(CommandExtension commands) {
        this.extension = commands;
    }

    /** {@code /pair} (or {@code /start CODE}) from anyone where the channel pairs; anything else only from a Master. Empty: go on. */
    private Optional<Outcome> gate(Job job, ContextRepository.Thread thread) {
        String platform = thread.platform();
        Optional<ContextRepository.Author> author = context.author(job.triggerMessageId(), channels.payloads(platform));
        Long sender = author.map(ContextRepository.Author::userId).orElse(null);
        if (masters.pairs(platform) && sender != null && job.mode() == JobMode.CLASSIFY) {
            Optional<String> text = Optional.ofNullable(author.get().text());
            Matcher pair = text.map(PAIR::matcher).filter(Matcher::matches)
                    .or(() -> text.map(START::matcher).filter(Matcher::matches)).orElse(null);
            if (pair != null) {
                outbox.send(job.threadId(), pairing.redeem(platform, sender, author.get().name(), pair.group(1)));
                return Optional.of(new Outcome.Done("{\"pairing\":true}"));
            }
        }
        if (!masters.isMaster(platform, sender)) {
            // Strangers' messages are kept, but no model is called and nothing runs; before any
            // Master exists, a private chat learns (once in a while) how to pair.
            boolean hinted = job.mode() == JobMode.CLASSIFY && hint.offer(job.threadId(), platform, thread.chatId(), sender);
            return Optional.of(new Outcome.Done(hinted ? "{\"skipped\":\"sender is not a Master\",\"pairing_hint\":true}"
                    : "{\"skipped\":\"sender is not a Master\"}"));
        }
        return Optional.empty();
    }
}
