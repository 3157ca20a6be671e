package dev.serveragent.agenda;

import dev.serveragent.channel.ChannelActions;
import dev.serveragent.channel.Outbox;
import dev.serveragent.channel.PressListener;
import dev.serveragent.config.AgendaConfig;
import dev.serveragent.masters.Masters;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.store.Repositories;
import dev.serveragent.store.ScheduleRepository;
import dev.serveragent.web.Capability;
import java.time.Clock;
import java.util.List;

/**
 * The Master's agenda, assembled by the composition root: the services the agent's tools call
 * ({@link #tasks()}, {@link #schedules()}), the Master's zone, the firing loop, and the
 * commands and buttons answered without a model.
 */
public record Agenda(Tasks tasks, Schedules schedules, MasterZone zone, ScheduleFiring firing, AgendaCommands commands,
        AgendaButtons buttons, Goals goals) implements Capability {

    public static Agenda build(AgendaConfig config, Repositories repositories, Outbox outbox, ChannelActions channels, Masters masters,
            Clock clock) {
        MasterZone zone = new MasterZone(config.masterZone(), repositories.settings(), clock);
        ScheduleRepository scheduleRepository = repositories.schedules();
        Tasks tasks = new Tasks(repositories.tasks(), clock);
        Goals goals = new Goals(repositories.goals(), clock);
        Schedules schedules = new Schedules(scheduleRepository, zone, config, clock);
        ScheduleFiring firing = new ScheduleFiring(scheduleRepository, outbox, repositories.transactions(), clock, config.taskLateLimit());
        schedules.onCreated(firing::wake);
        return new Agenda(tasks, schedules, zone, firing, new AgendaCommands(tasks, schedules, zone, outbox, goals),
                new AgendaButtons(tasks, schedules, masters, repositories.context(), channels, outbox), goals);
    }

    /** The firing loop. */
    @Override
    public List<Lifecycle> components() {
        return List.of(firing);
    }

    /**
     * Whether the proactive loop has work: an open autonomous task (to do or in progress) or an
     * active standing goal. Two indexed queries; asked at every step of the loop.
     */
    public boolean proactiveWork() {
        return tasks.anyAutonomousOpen() || goals.anyActive();
    }

    /** The agenda changed so that the proactive loop may have work: {@code listener} runs (it wakes the loop). */
    public void onProactiveWork(Runnable listener) {
        tasks.onAutonomousWork(listener);
        goals.onAdded(listener);
    }

    /** Presses of the agenda's buttons to {@link #buttons()}, every other press to {@code others}. */
    public PressListener routing(PressListener others) {
        return press -> (AgendaButtons.accepts(press.data()) ? buttons : others).onPress(press);
    }
}
