package dev.serveragent.agenda;

import dev.serveragent.channel.ChannelActions;
import dev.serveragent.channel.Outbox;
import dev.serveragent.channel.PressListener;
import dev.serveragent.config.AgendaConfig;
import dev.serveragent.masters.Masters;
import dev.serveragent.store.AgentSettingsRepository;
import dev.serveragent.store.ContextRepository;
import dev.serveragent.store.Database;
import dev.serveragent.store.GoalRepository;
import dev.serveragent.store.ScheduleRepository;
import dev.serveragent.store.TaskRepository;
import dev.serveragent.store.Transactions;
import java.time.Clock;

/**
 * The Master's agenda, assembled by the composition root: the services the agent's tools call
 * ({@link #tasks()}, {@link #schedules()}), the Master's zone, the firing loop, and the
 * commands and buttons answered without a model.
 */
public record Agenda(Tasks tasks, Schedules schedules, MasterZone zone, ScheduleFiring firing, AgendaCommands commands,
        AgendaButtons buttons, Goals goals) {

    public static Agenda build(AgendaConfig config, Database database, Outbox outbox, ChannelActions channels, Masters masters,
            Clock clock) {
        var jdbi = database.jdbi();
        MasterZone zone = new MasterZone(config.masterZone(), new AgentSettingsRepository(jdbi), clock);
        ScheduleRepository scheduleRepository = new ScheduleRepository(jdbi);
        Tasks tasks = new Tasks(new TaskRepository(jdbi), clock);
        Goals goals = new Goals(new GoalRepository(jdbi), clock);
        Schedules schedules = new Schedules(scheduleRepository, zone, config, clock);
        ScheduleFiring firing = new ScheduleFiring(scheduleRepository, outbox, new Transactions(jdbi), clock);
        schedules.onCreated(firing::wake);
        return new Agenda(tasks, schedules, zone, firing, new AgendaCommands(tasks, schedules, zone, outbox, goals),
                new AgendaButtons(tasks, schedules, masters, new ContextRepository(jdbi), channels, outbox), goals);
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
