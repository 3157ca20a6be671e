package dev.serveragent.reactive;

import dev.serveragent.masters.Masters;
import dev.serveragent.proactive.ProactiveControl;
import dev.serveragent.store.JobRepository;
import dev.serveragent.store.LedgerRepository;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.LongPredicate;

/** Slash commands the agent answers itself, without a model. */
final class MasterCommands {
    static final String HELP = """
            I am your server agent. Send me a question or a task; I answer with what I understood and \
            an OK button, and act once you press it (small questions are answered at once).

            /status – queue, last jobs, today's tokens
            /cancel – cancel the running or pending job of this chat
            /tasks – your tasks; /tasks add TITLE, /tasks done ID, /tasks drop ID, /tasks auto ID
            /goals – standing goals for the proactive loop; /goals add TEXT, /goals drop ID
            /schedules – reminders and scheduled tasks; /schedules cancel ID
            /tz – your time zone; /tz Europe/Berlin sets it
            /budget – the proactive loop's token budget today
            /cost – tokens and money today and over the last 7 days
            /pause, /resume – stop or restart the proactive loop
            /masters – who may command me; /masters revoke ID removes a paired one
            /help – this text""";

    private final JobRepository jobs;
    private final LedgerRepository ledger;
    private final ProactiveControl proactive;
    private final LongPredicate cancelRun;
    private final Masters masters;
    private final Clock clock;

    MasterCommands(JobRepository jobs, LedgerRepository ledger, ProactiveControl proactive, LongPredicate cancelRun,
                   Masters masters, Clock clock) {
        this.masters = masters;
        this.jobs = jobs;
        this.ledger = ledger;
        this.proactive = proactive;
        this.cancelRun = cancelRun;
        this.clock = clock;
    }

    /** The reply to a command, or empty when {@code text} is not one of ours (it then goes to the model). */
    Optional<String> handle(long threadId, long ownJobId, String text) {
        return switch (CommandExtension.commandOf(text)) {
            case "/start", "/help" -> Optional.of(HELP);
            case "/status" -> Optional.of(status(ownJobId));
            case "/cancel" -> Optional.of(cancel(threadId, ownJobId));
            case "/budget" -> Optional.of(proactive.status().toText());
            case "/masters" -> Optional.of(masters(threadId, text));
            case "/cost" -> Optional.of(dev.serveragent.budget.CostReport.text(ledger, clock.instant()));
            case "/pause" -> {
                proactive.pause();
                yield Optional.of("Proactive loop paused. /resume to restart it.");
            }
            case "/resume" -> {
                proactive.resume();
                yield Optional.of("Proactive loop resumed.");
            }
            default -> Optional.empty();
        };
    }

    private String masters(long threadId, String text) {
        String[] words = text.strip().split("\\s+");
        if (words.length >= 2 && words[1].equalsIgnoreCase("revoke")) {
            if (words.length != 3 || !words[2].matches("-?\\d{1,19}")) {
                return "Usage: /masters revoke USER_ID (the ids are listed by /masters).";
            }
            return masters.revoke(Long.parseLong(words[2]), "thread " + threadId);
        }
        StringBuilder b = new StringBuilder("Masters:");
        List<Masters.Entry> all = masters.list();
        for (Masters.Entry m : all) {
            b.append("\n  ").append(m.userId()).append(m.name() == null ? "" : " (" + m.name() + ")")
                    .append(m.source().equals(Masters.LISTED) ? " – MASTER_CHAT_IDS" : " – paired");
        }
        if (all.isEmpty()) {
            b.append(" none listed or paired yet");
        }
        // A channel whose access rules admit only the Master (the console) names no one here.
        masters.everyoneIn().forEach(p -> b.append("\nEvery user of the ").append(p).append(" channel is a Master too."));
        return b.toString();
    }

    /** The queue without the job answering this very command (it would count itself as running). */
    private String status(long ownJobId) {
        Instant now = clock.instant();
        Instant dayStart = LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        StringBuilder b = new StringBuilder("Queue: ");
        List<JobRepository.StatusCount> counts = jobs.countsByStatus(ownJobId);
        if (counts.isEmpty()) {
            b.append("empty");
        }
        for (int i = 0; i < counts.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(counts.get(i).count()).append(' ').append(counts.get(i).status());
        }
        b.append("\nLast jobs:");
        for (JobRepository.Job j : jobs.recent(5, ownJobId)) {
            b.append("\n  #").append(j.id()).append(' ').append(j.mode()).append(' ').append(j.status());
        }
        b.append("\nTokens today (UTC): reactive ").append(ledger.totalBetween(LedgerRepository.Scope.REACTIVE, dayStart, now.plusSeconds(1)))
                .append(", proactive ").append(ledger.totalBetween(LedgerRepository.Scope.PROACTIVE, dayStart, now.plusSeconds(1)));
        return b.toString();
    }

    private String cancel(long threadId, long ownJobId) {
        List<Long> canceled = jobs.cancelThread(threadId, clock.instant(), "canceled by /cancel", ownJobId);
        canceled.forEach(cancelRun::test);
        return canceled.isEmpty() ? "Nothing to cancel." : "Canceled " + canceled.size() + " job(s).";
    }
}
