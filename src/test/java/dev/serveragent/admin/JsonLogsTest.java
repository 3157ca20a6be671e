package dev.serveragent.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** The shipped logback.xml: plain lines by default, one JSON object per line with {@code LOG_FORMAT=json}. */
@Isolated("replaces System.out, where every logger of the JVM writes")
class JsonLogsTest {
    @Test
    void log_format_json_writes_one_json_object_per_line() throws Exception {
        String out = logWith("json", "deploy {} finished", "42");
        JsonNode line = new ObjectMapper().readTree(out.lines().filter(l -> l.contains("finished")).findFirst().orElseThrow());
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("loggerName").asText()).isEqualTo("dev.serveragent.test");
        assertThat(line.path("formattedMessage").asText()).isEqualTo("deploy 42 finished");
        assertThat(line.path("timestamp").asLong()).isPositive();
    }

    @Test
    void by_default_lines_are_text() throws Exception {
        String out = logWith(null, "deploy {} finished", "42");
        assertThat(out).contains("INFO  [main] dev.serveragent.test - deploy 42 finished").doesNotContain("{\"");
    }

    /** Configures a fresh logger context from the shipped file while System.out is captured. */
    private static String logWith(String format, String message, String arg) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            if (format != null) {
                context.putProperty("LOG_FORMAT", format);
            }
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(JsonLogsTest.class.getClassLoader().getResource("logback.xml"));
            // On a thread named as the JVM's first, whichever thread runs the test (a parallel worker's name varies).
            Thread main = Thread.ofPlatform().name("main").start(() -> context.getLogger("dev.serveragent.test").info(message, arg));
            main.join();
        } finally {
            context.stop();
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
