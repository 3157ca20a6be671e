package dev.serveragent.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The first real error in a command's output, for a failure reason the Master can act on: the
 * compiler's error, the names of the failing tests, the SQL error of a failed migration, the
 * tool's own {@code error:} line. Never Maven's closing advice ("[ERROR] -> [Help 1]", "Re-run
 * Maven ..."), which is what a command's last line usually is. Pure functions, thread-safe.
 */
final class FirstError {
    /** javac via Maven: "[ERROR] /abs/path/Foo.java:[12,5] cannot find symbol". */
    private static final Pattern JAVAC = Pattern.compile("(?:\\[ERROR\\]\\s+)?(?:\\S*/)?([\\w$-]+\\.java):\\[(\\d+),(\\d+)\\]\\s*(.*)");
    /** Surefire's summary: "[ERROR]   FooTest.method:42 expected ..." under "Failures:" or "Errors:". */
    private static final Pattern SUMMARY_HEADER = Pattern.compile("\\[ERROR\\]\\s+(Failures|Errors):\\s*$");
    private static final Pattern SUMMARY_ENTRY = Pattern.compile("\\[ERROR\\]\\s{2,}(?:Run \\d+: )?([\\w$.]+?\\.[\\w$\\[\\]]+)(?::\\d+)?(?:[ »].*)?$");
    /** Surefire 3 per test: "[ERROR] dev.x.FooTest.method -- Time elapsed: 0.1 s <<< FAILURE!". */
    private static final Pattern SUREFIRE_TEST = Pattern.compile("\\[ERROR\\]\\s+([\\w$.]+\\.[\\w$]+)(?:\\(\\))?\\s+--\\s+Time elapsed.*<<< (FAILURE|ERROR)!");
    /** A Postgres error as drivers, psql and Flyway print it: "ERROR: relation "x" does not exist". */
    private static final Pattern SQL = Pattern.compile("(?:^|[\\s:])(ERROR:\\s+.+)");
    /** A tool's own error line: "pg_dump: error: ...", "Error response from daemon: ...", "fatal: ...". */
    private static final Pattern TOOL = Pattern.compile("(?i)^(?:[\\w.-]+: )?(?:error|fatal)(?: response from daemon)?:\\s*.+|^(?:Exception in thread|Caused by:).+|^[\\w.$]+(?:Exception|Error): .+");
    /** Maven's and the shell's closing noise, never the reason. */
    private static final Pattern NOISE = Pattern.compile(
            "\\[ERROR\\]\\s*(?:$|->|Re-run Maven|For more information|To see the full stack|\\[Help|Failed to execute goal .*There are test failures"
                    + "|Please refer to|See dump files|After correcting|The forked VM|Crashed tests|Tests run:|There (?:are|were) test failures"
                    + "|COMPILATION ERROR|\\s*$|Failures:|Errors:|-{3,}|BUILD FAILURE|Command was|Process Exit Code|Execution .* failed)"
                    + "|.*https?://cwiki\\.apache\\.org.*");
    private static final int MAX = 400;
    private static final int MAX_TESTS = 10;

    private FirstError() {}

    /** The best reason in {@code output}, or empty when it holds nothing but noise. */
    static Optional<String> in(String output) {
        List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return javac(lines).or(() -> failingTests(lines)).or(() -> first(lines, SQL)).or(() -> first(lines, TOOL))
                .or(() -> lines.stream().filter(l -> l.startsWith("[ERROR]") && !NOISE.matcher(l).lookingAt())
                        .map(l -> l.substring("[ERROR]".length()).strip()).findFirst())
                .map(FirstError::cut);
    }

    /** {@link #in}, else the last line that is not noise, else the last line. */
    static String reason(String output) {
        return in(output).orElseGet(() -> {
            List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            List<String> useful = lines.stream().filter(l -> !NOISE.matcher(l).lookingAt()).toList();
            return useful.isEmpty() ? (lines.isEmpty() ? "no output" : cut(lines.getLast())) : cut(useful.getLast());
        });
    }

    private static Optional<String> javac(List<String> lines) {
        for (String l : lines) {
            Matcher m = JAVAC.matcher(l);
            if (m.matches() && !m.group(4).isBlank() && !l.contains("WARNING")) {
                return Optional.of("compile error: " + m.group(1) + ":" + m.group(2) + ": " + m.group(4));
            }
        }
        return Optional.empty();
    }

    private static Optional<String> failingTests(List<String> lines) {
        Set<String> names = new LinkedHashSet<>();
        boolean inSummary = false;
        for (String l : lines) {
            if (SUMMARY_HEADER.matcher(l).matches()) {
                inSummary = true;
                continue;
            }
            Matcher s = SUREFIRE_TEST.matcher(l);
            if (s.find()) {
                names.add(s.group(1));
                continue;
            }
            Matcher e = SUMMARY_ENTRY.matcher(l);
            if (inSummary && e.matches()) {
                names.add(e.group(1));
            } else if (!l.startsWith("[ERROR]   ")) {
                inSummary = false;
            }
        }
        if (names.isEmpty()) {
            return Optional.empty();
        }
        List<String> shown = new ArrayList<>(names).subList(0, Math.min(MAX_TESTS, names.size()));
        return Optional.of("failing tests: " + String.join(", ", shown) + (names.size() > shown.size() ? " and " + (names.size() - shown.size()) + " more" : ""));
    }

    private static Optional<String> first(List<String> lines, Pattern p) {
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find() && !NOISE.matcher(l).lookingAt()) {
                return Optional.of(m.groupCount() >= 1 && m.group(1) != null ? m.group(1).strip() : m.group().strip());
            }
        }
        return Optional.empty();
    }

    private static String cut(String s) {
        return s.length() <= MAX ? s : s.substring(0, MAX) + "…";
    }
}
