package dev.serveragent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmarks in {@code bench/} are single-file programs run with {@code java -cp server-agent.jar
 * X.java}, so nothing else compiles them: this compiles each against the application's classes, so a
 * change of an API they use breaks the build instead of the next benchmark run (two had rotted).
 */
class BenchSourcesCompileTest {

    @Test
    void every_benchmark_compiles_against_the_application(@TempDir Path out) throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("bench"))) {
            sources = files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertThat(sources).as("bench/ holds the benchmark programs").isNotEmpty();
        var compiler = ToolProvider.getSystemJavaCompiler();
        List<String> failures = new ArrayList<>();
        for (Path source : sources) {
            // One at a time, as each is run: a program may declare classes another also declares.
            StringWriter messages = new StringWriter();
            Path classes = Files.createDirectories(out.resolve(source.getFileName().toString().replace(".java", "")));
            boolean ok = compiler.getTask(messages, null, null,
                    List.of("-proc:none", "-classpath", System.getProperty("java.class.path"), "-d", classes.toString()), null,
                    compiler.getStandardFileManager(null, null, null).getJavaFileObjects(source.toFile())).call();
            if (!ok) {
                failures.add(source + ":\n" + messages);
            }
        }
        assertThat(failures).as("benchmarks that no longer compile").isEmpty();
    }
}
