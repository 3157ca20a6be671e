package dev.serveragent.memory;

import dev.serveragent.store.NoteRepository;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The Master's durable notes: what {@code remember} stores, {@code forget} deletes, and every run
 * sees in its prompt as the bounded section "What I know" (newest first, at most
 * {@value #SECTION_NOTES} notes and {@value #SECTION_CHARS} characters; the rest stay findable with
 * {@code search_memory}, and the section says how many were left out).
 *
 * <p>Two rules from issue 19's security review. <b>Who sees a note</b>: a run in a private chat of a
 * Master (or the console, or with no chat) sees every note; a run in a group sees only the notes kept
 * in that group, because its members read the answers (M2). <b>Whose words a note is</b>: only a
 * note kept by a command run (one the Master approved with OK, or the Master's own command) is shown
 * as the Master's; a note kept by a question run (no OK; it may have read a prompt-injected
 * transcript or web page) or a proactive run is fenced as untrusted, with its origin (M3).
 * Thread-safe.
 */
public final class Notes {
    /** One note's longest text: a fact, not a document (documents belong in files). */
    public static final int MAX_NOTE_CHARS = 1000;
    /** The prompt section's bounds. */
    public static final int SECTION_NOTES = 50;
    public static final int SECTION_CHARS = 6000;

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final NoteRepository repository;
    private final Clock clock;

    public Notes(NoteRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /**
     * Stores {@code content} as a note and returns its id.
     *
     * @throws IllegalArgumentException when it is blank or longer than {@value #MAX_NOTE_CHARS} characters (nothing stored)
     */
    public long remember(String content, OptionalLong threadId, String mode) {
        String text = content == null ? "" : content.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the note is empty: give the fact to remember in 'text'");
        }
        if (text.length() > MAX_NOTE_CHARS) {
            throw new IllegalArgumentException("the note has " + text.length() + " characters; at most " + MAX_NOTE_CHARS
                    + " are kept per note: split it or keep the long text in a file");
        }
        return repository.add(text, threadId, mode, clock.instant());
    }

    /** Deletes note {@code id}; false when there is none. */
    public boolean forget(long id) {
        return repository.forget(id);
    }

    /** Deletes note {@code id} if a run in chat {@code threadId} may see it (empty: a run with no chat, every note); false otherwise. */
    public boolean forget(long id, OptionalLong threadId) {
        return threadId.isPresent() ? repository.forgetVisibleIn(id, threadId.getAsLong()) : repository.forget(id);
    }

    /** The notes, newest first, as the prompt shows them. */
    public List<NoteRepository.Fact> newest(int limit) {
        return repository.newest(limit);
    }

    /** Modes whose notes are the Master's own words: a command run (approved with OK) and the Master's own command. */
    static final java.util.Set<String> MASTER_ORIGINS = java.util.Set.of("command", "master");

    /** The "What I know" section of a run with no chat (every note); see {@link #section(OptionalLong)}. */
    public String section() {
        return section(OptionalLong.empty());
    }

    /**
     * The "What I know" section for a run in chat {@code threadId} (empty: a run with no chat): one
     * line per note it may see ({@code [id] (date) text}, a note not of the Master's origin fenced
     * as untrusted), newest first, within the bounds; empty text when there are none (the section
     * is then left out).
     */
    public String section(OptionalLong threadId) {
        List<NoteRepository.Fact> facts = threadId.isPresent()
                ? repository.newestVisibleIn(threadId.getAsLong(), SECTION_NOTES + 1)
                : repository.newest(SECTION_NOTES + 1);
        if (facts.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (NoteRepository.Fact f : facts.subList(0, Math.min(SECTION_NOTES, facts.size()))) {
            String line = "- [" + f.id() + "] (" + DAY.format(f.createdAt()) + ") " + shown(f) + "\n";
            if (out.length() + line.length() > SECTION_CHARS) {
                break;
            }
            out.append(line);
            shown++;
        }
        int total = facts.size() <= SECTION_NOTES ? facts.size()
                : threadId.isPresent() ? repository.countVisibleIn(threadId.getAsLong()) : repository.count();
        if (shown < total) {
            out.append("- … ").append(total - shown).append(" older notes not shown here: find them with search_memory.\n");
        }
        return out.toString();
    }

    /** A note's text as the prompt shows it: the Master's as is; any other's fenced, naming the run that kept it. */
    static String shown(NoteRepository.Fact f) {
        String text = f.content().replace("\n", " ");
        Optional<String> mode = f.mode().map(m -> m.replaceAll("[^a-z]", "")).filter(m -> !m.isEmpty());
        if (mode.isPresent() && MASTER_ORIGINS.contains(mode.get())) {
            return text;
        }
        return dev.serveragent.claude.Untrusted.fence(mode.map(m -> "note kept by a " + m + " run").orElse("note of unknown origin"), text);
    }
}
