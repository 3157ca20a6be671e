package dev.serveragent.agenda;

import dev.serveragent.channel.ChannelActions;
import dev.serveragent.channel.Outbox;
import dev.serveragent.channel.Press;
import dev.serveragent.channel.PressListener;
import dev.serveragent.masters.Masters;
import dev.serveragent.store.ContextRepository;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agenda's buttons: {@code sc:ID} cancels a schedule, {@code td:ID} drops a task. Like the
 * approval's OK, only a Master's press acts, and only on an item of the thread the button is in
 * (a task, being the Master's one list, in any of the Master's threads). Every press is answered,
 * so the client stops its spinner; what was done is also said in the thread. Thread-safe.
 */
public final class AgendaButtons implements PressListener {
    private static final Logger log = LoggerFactory.getLogger(AgendaButtons.class);
    public static final String DROP_TASK = "td:";

    private final Tasks tasks;
    private final Schedules schedules;
    private final Masters masters;
    private final ContextRepository threads;
    private final ChannelActions channels;
    private final Outbox outbox;

    public AgendaButtons(Tasks tasks, Schedules schedules, Masters masters, ContextRepository threads, ChannelActions channels,
            Outbox outbox) {
        this.tasks = tasks;
        this.schedules = schedules;
        this.masters = masters;
        this.threads = threads;
        this.channels = channels;
        this.outbox = outbox;
    }

    /** Whether a press's data is one of the agenda's buttons. */
    public static boolean accepts(String data) {
        return data != null && (data.startsWith(ScheduleFiring.CANCEL_PREFIX) || data.startsWith(DROP_TASK));
    }

    @Override
    public void onPress(Press press) {
        channels.answerPress(press, decide(press));
    }

    private String decide(Press p) {
        if (p.threadId() == Press.UNKNOWN_THREAD) {
            return "This button is too old; use /schedules or /tasks.";
        }
        Optional<ContextRepository.Thread> thread = threads.thread(p.threadId());
        if (thread.isEmpty() || !masters.isMaster(thread.get().platform(), p.fromUserId())) {
            log.info("Agenda button press from a non-Master (user {}, thread {}) ignored", p.fromUserId(), p.threadId());
            return "Only the Master can do that.";
        }
        String data = p.data();
        String digits = data.substring(data.indexOf(':') + 1);
        if (!digits.matches("\\d{1,18}")) {
            return "This button names nothing.";
        }
        long id = Long.parseLong(digits);
        Scope scope = Scope.reactive(p.threadId());
        try {
            if (data.startsWith(DROP_TASK)) {
                Task t = tasks.update(scope, id, Tasks.Change.status("dropped"));
                outbox.send(p.threadId(), "Dropped: " + t.line());
                return "Task #" + id + " dropped.";
            }
            Schedule s = schedules.cancel(scope, id);
            outbox.send(p.threadId(), "Canceled schedule #" + s.id() + ": " + s.text());
            return "Schedule #" + id + " canceled.";
        } catch (AgendaException e) {
            return e.getMessage();
        }
    }
}
