package dev.serveragent.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.claude.ClaudeRequest;
import dev.serveragent.claude.Guardrails;
import dev.serveragent.claude.PromptPack;
import dev.serveragent.claude.RunTools;
import dev.serveragent.claude.TaskPack;
import dev.serveragent.store.NoteRepository;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "What I know" section: bounded, newest first, in every reactive prompt; the agent's tools in the tooling index. */
class WhatIKnowTest {
    @AutoClose final TestDatabase db = TestDatabase.create();
    final TestClock clock = new TestClock(Instant.parse("2026-03-10T12:00:00Z"));
    @TempDir Path workdir;

    @Test
    void the_section_keeps_the_newest_notes_within_its_bounds_and_says_how_many_are_left_out() {
        Notes notes = new Notes(new NoteRepository(db.jdbi()), clock);
        assertThat(notes.section()).isEmpty();
        for (int i = 1; i <= Notes.SECTION_NOTES + 5; i++) {
            notes.remember("fact number " + i, OptionalLong.empty(), "command");
            clock.advance(java.time.Duration.ofMinutes(1));
        }
        String section = notes.section();
        assertThat(section.lines().filter(l -> l.startsWith("- [")).count()).isEqualTo(Notes.SECTION_NOTES);
        assertThat(section).startsWith("- [").contains("fact number " + (Notes.SECTION_NOTES + 5)).doesNotContain("fact number 5\n")
                .endsWith("- … 5 older notes not shown here: find them with search_memory.\n");
        notes.remember("x".repeat(Notes.MAX_NOTE_CHARS), OptionalLong.empty(), "command");
        assertThat(notes.section().length()).isLessThanOrEqualTo(Notes.SECTION_CHARS + 100);
    }

    @Test
    void every_reactive_prompt_starts_with_what_i_know_and_the_index_lists_the_modes_agent_tools() {
        Notes notes = new Notes(new NoteRepository(db.jdbi()), clock);
        RunTools tools = new RunTools() {
            @Override
            public List<Tool> tools(ClaudeRequest.Mode mode) {
                return mode == ClaudeRequest.Mode.PROACTIVE ? List.of() : List.of(new Tool("search_memory", "Search everything."));
            }

            @Override
            public Grant open(ClaudeRequest request) {
                throw new UnsupportedOperationException();
            }
        };
        PromptPack pack = new PromptPack(workdir, new Guardrails(List.of("Read"), List.of(), List.of(), List.of(), workdir), 6000)
                .withAgent(tools, notes::section);
        TaskPack task = new TaskPack("question", "s", "p", Optional.empty(), "telegram");
        assertThat(pack.userPrompt(List.of(), task)).doesNotContain("What I know");

        notes.remember("The Master's boiler is serviced every April", OptionalLong.of(1), "command");
        assertThat(pack.userPrompt(List.of(), task)).startsWith("# What I know").contains("The Master's boiler is serviced every April");
        assertThat(pack.systemPrompt(ClaudeRequest.Mode.QUESTION))
                .contains("## The agent's own tools (MCP server \"agent\", allowed in this run)")
                .contains("- mcp__agent__search_memory: Search everything.");
        assertThat(pack.systemPrompt(ClaudeRequest.Mode.PROACTIVE)).doesNotContain("The agent's own tools");
    }
}
