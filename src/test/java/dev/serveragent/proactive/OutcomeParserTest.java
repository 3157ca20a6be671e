package dev.serveragent.proactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.proactive.CycleOutcome.Parsed;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutcomeParserTest {
    final OutcomeParser parser = new OutcomeParser();

    @Test
    void a_good_block_gives_every_field() {
        String text = """
                I looked at the logs and fixed the rotation.

                ```json
                {"summary": "Rotated logs.",
                 "projects": [{"name": "ops", "description": "keep the box healthy", "status": "active"}],
                 "tasks": [{"id": 3, "project": "ops", "title": "rotate logs", "status": "done", "priority": 2, "notes": "weekly"},
                           {"title": "check disk"}],
                 "next_prompt_aroma": "Check disk usage next.",
                 "notable": [{"text": "Disk 91% full", "significance": 0.9}],
                 "proposals": [{"plan": "Email the hosting provider", "reason": "more disk"}]}
                ```
                """;
        Parsed p = parser.parse(text);

        assertThat(p).isInstanceOf(Parsed.Ok.class);
        CycleOutcome o = ((Parsed.Ok) p).outcome();
        assertThat(o.summary()).isEqualTo("Rotated logs.");
        assertThat(o.projects()).singleElement().satisfies(pr -> {
            assertThat(pr.name()).isEqualTo("ops");
            assertThat(pr.status()).contains("active");
        });
        assertThat(o.tasks()).hasSize(2);
        assertThat(o.tasks().get(0).id()).contains(3L);
        assertThat(o.tasks().get(0).priority()).contains(2);
        assertThat(o.tasks().get(1).status()).isEmpty();
        assertThat(o.nextPromptAroma()).contains("Check disk usage next.");
        assertThat(o.notable()).containsExactly(new CycleOutcome.Notable("Disk 91% full", 0.9));
        assertThat(o.proposals()).containsExactly(new CycleOutcome.Proposal("Email the hosting provider", "more disk"));
    }

    @Test
    void the_last_block_wins_and_only_summary_is_required() {
        Parsed p = parser.parse("```json\n{\"summary\": \"draft\"}\n```\nthen\n```json\n{\"summary\": \"final\"}\n```");
        assertThat(((Parsed.Ok) p).outcome().summary()).isEqualTo("final");
        assertThat(((Parsed.Ok) p).outcome().nextPromptAroma()).isEqualTo(Optional.empty());
    }

    @Test
    void malformed_blocks_are_reported_with_what_is_wrong() {
        assertThat(malformed("no block at all")).contains("no ```json block");
        assertThat(malformed("```json\n{\"summary\": \"x\",}\n```")).startsWith("invalid JSON");
        assertThat(malformed("```json\n[1, 2]\n```")).isEqualTo("the block is not a JSON object");
        assertThat(malformed("```json\n{\"tasks\": []}\n```")).isEqualTo("summary: missing");
        assertThat(malformed("```json\n{\"summary\": \"x\", \"tasks\": [{\"title\": \"t\", \"status\": \"doing\"}]}\n```"))
                .isEqualTo("tasks[0].status: 'doing' is not one of blocked|done|dropped|in_progress|todo");
        assertThat(malformed("```json\n{\"summary\": \"x\", \"notable\": [{\"text\": \"t\", \"significance\": 1.5}]}\n```"))
                .isEqualTo("notable[0].significance: must be a number from 0 to 1");
        assertThat(malformed("```json\n{\"summary\": \"x\", \"tasks\": {\"title\": \"t\"}}\n```")).isEqualTo("tasks: not an array");
        assertThat(malformed("```json\n{\"summary\": \"x\", \"tasks\": [{\"title\": 5}]}\n```")).isEqualTo("tasks[0].title: not a string");
        assertThat(malformed("```json\n{\"summary\": \"x\", \"tasks\": [{\"id\": \"7\", \"title\": \"t\"}]}\n```")).isEqualTo("tasks[0].id: not a whole number");
        assertThat(parser.parse(null)).isEqualTo(new Parsed.Malformed("no text"));
    }

    private String malformed(String text) {
        Parsed p = parser.parse(text);
        assertThat(p).as(text).isInstanceOf(Parsed.Malformed.class);
        return ((Parsed.Malformed) p).reason();
    }
}
