package dev.serveragent.memory;

import dev.serveragent.store.NoteRepository;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.OptionalLong;

/**
 * The Master's durable notes: what {@code remember} stores, {@code forget} deletes, and every run
 * sees in its prompt as the bounded section "What I know" (newest first, at most
 * {@value #SECTION_NOTES} notes and {@value #SECTION_CHARS} characters; the rest stay findable with
 * {@code search_memory}, and the section says how many were left out). Thread-safe.
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

    /** The notes, newest first, as the prompt shows them. */
    public List<NoteRepository.Fact> newest(int limit) {
        return repository.newest(limit);
    }

    /**
     * The "What I know" section: one line per note ({@code [id] (date) text}), newest first, within
     * the bounds; empty text when there are no notes (the section is then left out).
     */
    public String section() {
        List<NoteRepository.Fact> facts = repository.newest(SECTION_NOTES + 1);
        if (facts.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (NoteRepository.Fact f : facts.subList(0, Math.min(SECTION_NOTES, facts.size()))) {
            String line = "- [" + f.id() + "] (" + DAY.format(f.createdAt()) + ") " + f.content().replace("\n", " ") + "\n";
            if (out.length() + line.length() > SECTION_CHARS) {
                break;
            }
            out.append(line);
            shown++;
        }
        int total = facts.size() > SECTION_NOTES ? repository.count() : facts.size();
        if (shown < total) {
            out.append("- … ").append(total - shown).append(" older notes not shown here: find them with search_memory.\n");
        }
        return out.toString();
    }
}
