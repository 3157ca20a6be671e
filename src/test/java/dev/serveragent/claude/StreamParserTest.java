package dev.serveragent.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing against lines recorded from the real CLI (2.1.197) and hand-made edge cases. */
class StreamParserTest {
    static final Path RECORDED = Path.of("src/test/resources/fake-claude/recorded");

    static List<ClaudeEvent> parseAll(StreamParser p, Path file) throws Exception {
        List<ClaudeEvent> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.addAll(p.parse(line));
        }
        return out;
    }

    @Test
    void a_recorded_tool_use_run_parses_into_init_text_tool_use_tool_result_text_result() throws Exception {
        StreamParser p = new StreamParser();

        List<ClaudeEvent> events = parseAll(p, RECORDED.resolve("cli-2.1.197-tool-use.jsonl"));

        assertThat(events).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("Init", "AssistantText", "ToolUse", "ToolResult", "AssistantText", "Result");
        ClaudeEvent.Result r = (ClaudeEvent.Result) events.getLast();
        assertThat(r.subtype()).isEqualTo("success");
        assertThat(r.isError()).isFalse();
        assertThat(r.numTurns()).isEqualTo(2);
        assertThat(r.durationMs()).isEqualTo(111);
        assertThat(r.usage()).isEqualTo(new Usage(2000, 100, 400, 6000));
        assertThat(p.sessionId()).contains("1877db7c-0ebe-4fcd-b405-e2022d3e59c7");
        assertThat(p.usageSoFar()).isEqualTo(r.usage());
    }

    @Test
    void usage_is_counted_once_per_message_id_taking_the_largest_value_seen() throws Exception {
        StreamParser p = new StreamParser();
        p.parse(assistant("m1", 100, 1));
        p.parse(assistant("m1", 100, 1));
        p.parse(assistant("m1", 100, 40)); // a later line of the same message reports more output
        p.parse(assistant("m2", 300, 5));

        assertThat(p.usageSoFar()).isEqualTo(new Usage(400, 45, 0, 0));
        assertThat(p.usageSoFar().totalTokens()).isEqualTo(445);
    }

    @Test
    void the_result_usage_is_authoritative_unless_model_usage_adds_up_to_more() throws Exception {
        StreamParser p = new StreamParser();
        p.parse(assistant("m1", 5000, 10));
        p.parse("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"ok\",\"usage\":"
                + "{\"input_tokens\":10,\"output_tokens\":20,\"cache_creation_input_tokens\":30,\"cache_read_input_tokens\":40}}");
        assertThat(p.usageSoFar()).isEqualTo(new Usage(10, 20, 30, 40));

        StreamParser withSubAgents = new StreamParser();
        withSubAgents.parse("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"ok\",\"usage\":"
                + "{\"input_tokens\":10,\"output_tokens\":20,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0},"
                + "\"modelUsage\":{\"a\":{\"inputTokens\":10,\"outputTokens\":20},\"b\":{\"inputTokens\":7,\"outputTokens\":3,"
                + "\"cacheReadInputTokens\":100,\"cacheCreationInputTokens\":1}}}");
        assertThat(withSubAgents.usageSoFar()).isEqualTo(new Usage(17, 23, 1, 100));
    }

    @Test
    void an_is_error_result_and_a_max_turns_result_are_parsed_as_recorded() throws Exception {
        StreamParser p = new StreamParser();
        ClaudeEvent.Result err = (ClaudeEvent.Result) parseAll(p, RECORDED.resolve("cli-2.1.197-api-error.jsonl")).getLast();
        assertThat(err.subtype()).isEqualTo("success");
        assertThat(err.isError()).isTrue();
        assertThat(err.text()).isEqualTo("API Error: Unable to connect to API (ConnectionRefused)");

        ClaudeEvent.Result max = (ClaudeEvent.Result) parseAll(new StreamParser(), RECORDED.resolve("cli-2.1.197-max-turns.jsonl")).getLast();
        assertThat(max.subtype()).isEqualTo("error_max_turns");
        assertThat(max.isError()).isTrue();
        assertThat(max.text()).isEmpty();
    }

    @Test
    void unknown_types_are_kept_as_other_and_blank_lines_are_skipped() throws Exception {
        StreamParser p = new StreamParser();
        assertThat(p.parse("")).isEmpty();
        assertThat(p.parse("{\"type\":\"rate_limit_event\"}")).containsExactly(new ClaudeEvent.Other("rate_limit_event"));
        assertThat(p.parse("{\"type\":\"system\",\"subtype\":\"compact_boundary\"}"))
                .containsExactly(new ClaudeEvent.Other("system/compact_boundary"));
    }

    @Test
    void lines_that_are_not_stream_json_events_are_rejected_with_an_excerpt() {
        StreamParser p = new StreamParser();
        assertThatThrownBy(() -> p.parse("Error: something")).hasMessageContaining("not JSON: Error: something");
        assertThatThrownBy(() -> p.parse("[1,2]")).hasMessageContaining("no \"type\"");
        assertThatThrownBy(() -> p.parse("{\"x\":1}")).hasMessageContaining("no \"type\"");
        assertThatThrownBy(() -> p.parse("z".repeat(1000))).hasMessageContaining("(1000 chars)");
    }

    @Test
    void the_line_reader_bounds_line_length_and_knows_an_unterminated_last_line() throws Exception {
        BoundedLineReader r = new BoundedLineReader(new StringReader("short\r\n" + "x".repeat(50) + "\nok\ntail"), 20);
        assertThat(r.readLine()).isEqualTo("short");
        assertThat(r.readLine()).isSameAs(BoundedLineReader.TOO_LONG);
        assertThat(r.readLine()).isEqualTo("ok");
        assertThat(r.terminated()).isTrue();
        assertThat(r.readLine()).isEqualTo("tail");
        assertThat(r.terminated()).isFalse();
        assertThat(r.readLine()).isNull();
    }

    private static String assistant(String id, long in, long out) {
        return "{\"type\":\"assistant\",\"message\":{\"id\":\"" + id + "\",\"content\":[{\"type\":\"text\",\"text\":\"t\"}],"
                + "\"usage\":{\"input_tokens\":" + in + ",\"output_tokens\":" + out + "}},\"session_id\":\"s\"}";
    }
}
