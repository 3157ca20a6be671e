package dev.serveragent.claude;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.config.ClaudeCodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolingIndexTest {
    static final Path SAMPLE = Path.of("src/test/resources/sample-workspace").toAbsolutePath();
    static final Guardrails DEFAULTS = new Guardrails(ClaudeCodeConfig.DEFAULT_ALLOWED_TOOLS_QUESTION,
            ClaudeCodeConfig.DEFAULT_ALLOWED_TOOLS_COMMAND, ClaudeCodeConfig.DEFAULT_ALLOWED_TOOLS_PROACTIVE,
            ClaudeCodeConfig.DEFAULT_DENY, SAMPLE);

    @TempDir
    Path dir;

    @Test
    void the_index_of_the_sample_workspace_lists_agents_commands_skills_mcp_servers_and_safety() {
        String index = ToolingIndex.build(SAMPLE, DEFAULTS, ClaudeRequest.Mode.COMMAND, 6000);

        Golden.assertMatches("tooling-index-command.txt", index);
        assertThat(index).contains("- code-reviewer: Reviews a change for bugs, missing tests and unclear names. Use after every")
                .contains("- /backup (db): Dump the agent's database")
                .contains("- pdf-forms: Fills in PDF forms from JSON data. Needs python3 and pypdf.")
                .contains("- github (http)", "- postgres (stdio)")
                .doesNotContain("README", "mcp-secret");
    }

    @Test
    void the_safety_constraints_follow_the_mode() {
        assertThat(ToolingIndex.build(SAMPLE, DEFAULTS, ClaudeRequest.Mode.QUESTION, 6000))
                .contains("Tools allowed in this question run: Read, Glob, Grep.");
        assertThat(ToolingIndex.build(SAMPLE, DEFAULTS, ClaudeRequest.Mode.CLASSIFY, 6000))
                .contains("Tools allowed in this classify run: none.");
    }

    @Test
    void a_tight_bound_drops_descriptions_before_anything_else() {
        String full = ToolingIndex.build(SAMPLE, DEFAULTS, ClaudeRequest.Mode.COMMAND, 6000);
        String tight = ToolingIndex.build(SAMPLE, DEFAULTS, ClaudeRequest.Mode.COMMAND, full.length() - 100);

        assertThat(tight.length()).isLessThanOrEqualTo(full.length() - 100);
        assertThat(tight).contains("## Safety constraints", "Bash(rm -rf:*)", "code-reviewer", "/deploy", "release-notes", "github (http)");
    }

    @Test
    void a_bound_smaller_than_the_names_cuts_the_list_and_says_so() throws Exception {
        Path ws = dir.resolve("ws");
        Files.createDirectories(ws.resolve(".claude/commands"));
        for (int i = 0; i < 300; i++) {
            Files.writeString(ws.resolve(".claude/commands/command-number-" + i + ".md"), "Does thing " + i);
        }
        Guardrails g = new Guardrails(List.of("Read"), List.of(), List.of(), List.of("Bash(rm -rf:*)"), ws);

        String index = ToolingIndex.build(ws, g, ClaudeRequest.Mode.QUESTION, 1500);

        assertThat(index.length()).isLessThanOrEqualTo(1500);
        assertThat(index).startsWith("## Safety constraints").contains("Bash(rm -rf:*)")
                .endsWith("[tooling index cut to 1500 characters; see .claude/ for the rest]");
    }

    @Test
    void an_empty_workspace_says_none_and_a_broken_mcp_file_is_reported_not_fatal() throws Exception {
        Files.writeString(dir.resolve(".mcp.json"), "{not json");
        Guardrails g = new Guardrails(List.of("Read"), List.of(), List.of(), List.of(), dir);

        String index = ToolingIndex.build(dir, g, ClaudeRequest.Mode.QUESTION, 6000);

        assertThat(index).contains("## Agents (.claude/agents; run with the Task tool)\n- none")
                .contains(".mcp.json could not be read")
                .contains("Denied in every run: nothing beyond the above.");
    }
}
