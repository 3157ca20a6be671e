package dev.serveragent.agenda;

import dev.serveragent.channel.Outbox;
import dev.serveragent.reactive.CommandExtension;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code /tasks}, {@code /schedules}, {@code /goals} and {@code /tz}, answered without a model. A listing has one
 * button per item ({@link AgendaButtons} acts on a press); the same is done by command:
 * {@code /schedules cancel ID} (and {@code pause ID}, {@code resume ID}), {@code /tasks done ID}, {@code /tasks drop ID}; {@code /tasks auto ID}
 * marks a task for the proactive loop to work on alone, {@code /tasks manual ID} takes it back. Errors are
 * answered in words. Called only for a Master's message (the reactive gate). Thread-safe.
 */
public final class AgendaCommands implements CommandExtension {
    /** Items with a button in one listing (Telegram allows 100 buttons; a chat screen far fewer). */
    static final int MAX_BUTTONS = 20;
    static final int MAX_LISTED = 50;

    private final Tasks tasks;
    private final Schedules schedules;
    private final MasterZone zone;
    private final Outbox outbox;
    private final Goals goals;

    public AgendaCommands(Tasks tasks, Schedules schedules, MasterZone zone, Outbox outbox, Goals goals) {
        this.tasks = tasks;
        this.schedules = schedules;
        this.zone = zone;
        this.outbox = outbox;
        this.goals = goals;
    }

    @Override
    public boolean handle(long threadId, String text) {
        String[] words = text.strip().split("\\s+", 3);
        String command = CommandExtension.commandOf(text);
        String sub = words.length > 1 ? words[1].toLowerCase(Locale.ROOT) : "";
        String rest = words.length > 2 ? words[2] : "";
        Scope scope = Scope.reactive(threadId);
        try {
            switch (command) {
                case "/tasks" -> tasks(scope, sub, words.length > 1 ? words[1] : "", rest);
                case "/schedules" -> schedules(scope, sub, rest);
                case "/goals" -> goals(scope, sub, rest);
                case "/tz" -> outbox.send(threadId, tz(words.length > 1 ? text.strip().split("\\s+", 2)[1].strip() : ""));
                default -> {
                    return false;
                }
            }
        } catch (AgendaException e) {
            outbox.send(threadId, "Not done: " + e.getMessage());
        }
        return true;
    }

    private void tasks(Scope scope, String sub, String subRaw, String rest) {
        switch (sub) {
            case "" -> {
                List<Task> open = tasks.list(scope, new Tasks.Query(Optional.empty(), Optional.empty(), Optional.of(MAX_LISTED)));
                if (open.isEmpty()) {
                    outbox.send(scope.threadId(), "No open tasks. Add one with /tasks add TITLE, or ask me in plain words.");
                    return;
                }
                StringBuilder b = new StringBuilder("Open tasks:");
                List<Outbox.Button> buttons = new ArrayList<>();
                for (Task t : open) {
                    b.append("\n").append(t.line());
                    if (buttons.size() < MAX_BUTTONS) {
                        buttons.add(new Outbox.Button("Drop #" + t.id() + " " + clip(t.title()), AgendaButtons.DROP_TASK + t.id()));
                    }
                }
                b.append("\n\n/tasks done ID marks one done; /tasks drop ID (or its button) drops it; /tasks auto ID lets the"
                        + " proactive loop work on it alone.");
                outbox.sendWithButtons(scope.threadId(), b.toString(), buttons);
            }
            case "add" -> {
                String title = (rest.isEmpty() ? "" : rest).strip();
                Task t = tasks.add(scope, Tasks.NewTask.titled(title));
                outbox.send(scope.threadId(), "Added task " + t.line());
            }
            case "done", "drop" -> {
                long id = id(rest, "/tasks " + sub + " ID");
                Task t = tasks.update(scope, id, Tasks.Change.status(sub.equals("done") ? "done" : "dropped"));
                outbox.send(scope.threadId(), (sub.equals("done") ? "Done: " : "Dropped: ") + t.line());
            }
            case "auto", "manual" -> {
                long id = id(rest, "/tasks " + sub + " ID");
                boolean auto = sub.equals("auto");
                Task t = tasks.update(scope, id, new Tasks.Change(Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(auto)));
                outbox.send(scope.threadId(), (auto ? "The proactive loop will work on it alone: " : "Only when you ask: ") + t.line()
                        + (auto ? " (/pause stops the loop)." : ""));
            }
            default -> outbox.send(scope.threadId(), "Usage: /tasks, /tasks add TITLE, /tasks done ID, /tasks drop ID,"
                    + " /tasks auto ID, /tasks manual ID (not '" + subRaw + "').");
        }
    }

    private void goals(Scope scope, String sub, String rest) {
        if (!goals.visibleIn(scope)) {
            outbox.send(scope.threadId(), "Not here: " + Goals.GROUP + ".");
            return;
        }
        switch (sub) {
            case "" -> {
                List<Goals.Goal> all = goals.list();
                if (all.isEmpty()) {
                    outbox.send(scope.threadId(), "No standing goals. /goals add TEXT sets one (e.g. /goals add keep the backups"
                            + " verified): the proactive loop then works toward it within its daily budget.");
                    return;
                }
                StringBuilder b = new StringBuilder("Standing goals (the proactive loop works toward them):");
                all.forEach(g -> b.append("\n").append(g.line()));
                b.append("\n\n/goals drop ID drops one; /pause stops the loop.");
                outbox.send(scope.threadId(), b.toString());
            }
            case "add" -> {
                Goals.Goal g = goals.add(scope, rest);
                outbox.send(scope.threadId(), "Standing goal " + g.line() + ": the proactive loop works toward it within its daily"
                        + " budget (/pause stops it, /goals drop " + g.id() + " drops the goal).");
            }
            case "drop" -> outbox.send(scope.threadId(), "Dropped goal " + goals.drop(scope, id(rest, "/goals drop ID")).line() + ".");
            default -> outbox.send(scope.threadId(), "Usage: /goals, /goals add TEXT, /goals drop ID.");
        }
    }

    private void schedules(Scope scope, String sub, String rest) {
        switch (sub) {
            case "" -> {
                List<Schedule> all = schedules.list(scope);
                ZoneId z = zone.current();
                if (all.isEmpty()) {
                    outbox.send(scope.threadId(), "No schedules in this chat. Ask me in plain words, e.g. \"remind me tomorrow at 9"
                            + " to call the bank\". Your time zone: " + z.getId() + " (/tz to change it).");
                    return;
                }
                StringBuilder b = new StringBuilder("Schedules (your time zone: ").append(z.getId()).append("):");
                List<Outbox.Button> buttons = new ArrayList<>();
                for (Schedule s : all.subList(0, Math.min(all.size(), MAX_LISTED))) {
                    b.append("\n").append(s.line());
                    if (buttons.size() < MAX_BUTTONS) {
                        buttons.add(new Outbox.Button("Cancel #" + s.id() + " " + clip(s.text()), ScheduleFiring.CANCEL_PREFIX + s.id()));
                    }
                }
                if (all.size() > MAX_LISTED) {
                    b.append("\n… and ").append(all.size() - MAX_LISTED).append(" more.");
                }
                b.append("\n\n/schedules cancel ID (or its button) cancels one; /schedules pause ID and /schedules resume ID"
                        + " stop and restart one.");
                outbox.sendWithButtons(scope.threadId(), b.toString(), buttons);
            }
            case "cancel" -> {
                Schedule s = schedules.cancel(scope, id(rest, "/schedules cancel ID"));
                outbox.send(scope.threadId(), "Canceled " + s.line().replaceFirst(", (once|cron)[^:]*:", ":"));
            }
            case "pause" -> {
                Schedule s = schedules.pause(scope, id(rest, "/schedules pause ID"));
                outbox.send(scope.threadId(), "Paused (it will not fire until /schedules resume " + s.id() + "): " + s.line());
            }
            case "resume" -> {
                Schedule s = schedules.resume(scope, id(rest, "/schedules resume ID"));
                outbox.send(scope.threadId(), "Resumed " + s.line());
            }
            default -> outbox.send(scope.threadId(), "Usage: /schedules, /schedules cancel ID, /schedules pause ID, /schedules resume ID.");
        }
    }

    private String tz(String arg) {
        if (arg.isEmpty()) {
            Optional<ZoneId> stored = zone.stored();
            return "Your time zone: " + zone.current().getId()
                    + (stored.isPresent() ? " (set with /tz; /tz reset goes back to MASTER_TZ, " + zone.configured().getId() + ")"
                            : " (MASTER_TZ)")
                    + ". Set it with /tz ZONE, e.g. /tz Europe/Berlin.";
        }
        if (arg.equalsIgnoreCase("reset")) {
            return "Time zone back to MASTER_TZ: " + zone.reset().getId() + ".";
        }
        ZoneId z = zone.set(arg);
        return "Time zone set to " + z.getId() + ". New schedules read their times in it; existing ones keep the zone they were made in.";
    }

    private static long id(String raw, String usage) {
        String v = raw.strip().replaceFirst("^#", "");
        if (!v.matches("\\d{1,18}")) {
            throw AgendaException.invalid("usage: " + usage + " (the ids are in the listing)");
        }
        return Long.parseLong(v);
    }

    private static String clip(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 24 ? one.substring(0, 23) + "…" : one;
    }
}
