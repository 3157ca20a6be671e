package dev.serveragent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A failed step's reason is the first real error of its output, not the tool's last line. */
class FirstErrorTest {
    static final String MAVEN_TAIL = """
            [ERROR] -> [Help 1]
            [ERROR]\s
            [ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.
            [ERROR] Re-run Maven using the -X switch to enable full debug logging.
            [ERROR]\s
            [ERROR] For more information about the errors and possible solutions, please read the following articles:
            [ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MojoFailureException
            """;

    /** What ./mvnw -q package prints for a compile error (captured from Maven 3.9 here). */
    static final String COMPILE_FAILURE = """
            [ERROR] COMPILATION ERROR :\s
            [ERROR] /srv/data/builds/abc/src/main/java/x/A.java:[1,46] cannot find symbol
              symbol:   variable undefinedThing
              location: class x.A
            [ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.15.0:compile (default-compile) on project x: Compilation failure
            [ERROR] /srv/data/builds/abc/src/main/java/x/A.java:[1,46] cannot find symbol
            [ERROR]   symbol:   variable undefinedThing
            """ + MAVEN_TAIL;

    static final String TEST_FAILURE = """
            [ERROR] Tests run: 2, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! -- in x.ATest
            [ERROR] x.ATest.fails -- Time elapsed: 0.01 s <<< FAILURE!
            org.opentest4j.AssertionFailedError: expected: <1> but was: <2>
            \tat x.ATest.fails(ATest.java:7)
            [INFO] Results:
            [ERROR] Failures:\s
            [ERROR]   ATest.fails:7 expected: <1> but was: <2>
            [ERROR] Errors:\s
            [ERROR]   BTest.boom:9 » IllegalState boom
            [ERROR] Tests run: 3, Failures: 1, Errors: 1, Skipped: 0
            [ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.5.4:test (default-test) on project x: There are test failures.
            """ + MAVEN_TAIL;

    static final String MIGRATION_FAILURE = """
            12:00:01 INFO  o.f.c.i.c.DbMigrate - Migrating schema "public" to version "71 - add things"
            12:00:01 ERROR o.f.c.i.c.DbMigrate - Migration of schema "public" to version "71 - add things" failed! Changes successfully rolled back.
            server-agent: Migration V71__add_things.sql failed
            SQL State  : 42P01
            Message    : ERROR: relation "thingz" does not exist
            """;

    private static Shell.Result failed(String output) {
        return new Shell.Result(1, output, Duration.ofSeconds(1));
    }

    @Test
    void a_compile_failure_names_the_file_line_and_compiler_message() {
        assertThat(failed(COMPILE_FAILURE).reason()).isEqualTo("compile error: A.java:1: cannot find symbol");
        assertThat(failed(COMPILE_FAILURE).lastLine()).contains("cwiki.apache.org");
    }

    @Test
    void failing_tests_are_named() {
        assertThat(failed(TEST_FAILURE).reason()).isEqualTo("failing tests: x.ATest.fails, ATest.fails, BTest.boom");
    }

    @Test
    void a_failed_migration_gives_its_sql_error() {
        assertThat(failed(MIGRATION_FAILURE).reason()).isEqualTo("ERROR: relation \"thingz\" does not exist");
    }

    @Test
    void tools_give_their_own_error_line() {
        assertThat(failed("pg_dump: error: connection to server at \"db\" failed: FATAL:  password authentication failed\n").reason())
                .startsWith("pg_dump: error: connection to server");
        assertThat(failed("Step 3/9 : RUN ./mvnw -q package\nError response from daemon: No such image: server-agent:abc\n").reason())
                .isEqualTo("Error response from daemon: No such image: server-agent:abc");
        assertThat(failed("Cloning...\nfatal: repository '/nope' does not exist\ndone\n").reason())
                .isEqualTo("fatal: repository '/nope' does not exist");
    }

    @Test
    void maven_noise_alone_is_never_the_reason_when_anything_else_was_said() {
        assertThat(failed("[INFO] Building x\n[ERROR] Failed to execute goal foo:bar on project x: Something real broke\n" + MAVEN_TAIL).reason())
                .isEqualTo("Failed to execute goal foo:bar on project x: Something real broke");
        assertThat(failed("Tests run: 3, Failures: 1\nFAILED: test_version\n").reason()).isEqualTo("FAILED: test_version");
        assertThat(failed("").reason()).isEqualTo("no output");
    }

    @Test
    void an_error_scrolled_out_of_the_tail_is_found_among_the_notable_lines() {
        Shell.Result r = new Shell.Result(1, MAVEN_TAIL, Duration.ofSeconds(1),
                java.util.List.of("[ERROR] /x/src/main/java/x/B.java:[4,2] ';' expected"));
        assertThat(r.reason()).isEqualTo("compile error: B.java:4: ';' expected");
    }
}
