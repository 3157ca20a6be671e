package dev.serveragent.deploy;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One line about a test run: outcome, duration and Surefire's totals when it printed them. */
final class TestSummary {
    /** Surefire prints one such line per class and the totals last. */
    private static final Pattern SUREFIRE = Pattern.compile("Tests run: \\d+, Failures: \\d+, Errors: \\d+, Skipped: \\d+");

    private TestSummary() {}

    static String of(Shell.Result r) {
        Matcher m = SUREFIRE.matcher(r.output());
        String totals = null;
        while (m.find()) {
            totals = m.group();
        }
        String outcome = r.ok() ? "passed" : "FAILED (exit " + r.exitCode() + ")";
        String detail = totals != null ? totals : r.output().isBlank() ? "no output" : r.ok() ? r.lastLine() : r.reason();
        return outcome + " in " + r.took().toSeconds() + " s; " + detail;
    }
}
