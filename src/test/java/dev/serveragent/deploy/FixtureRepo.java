package dev.serveragent.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real git repository of a tiny service: {@code app.py} (python3 http.server) serving
 * {@code /healthz}, {@code /readyz} and {@code /version} on {@code $PORT}, and {@code test.sh}
 * as its unit tests. Its build copies {@code app.py} to {@code out/app.py}, the artifact.
 */
final class FixtureRepo {
    static final String BUILD = "mkdir -p out && cp app.py out/app.py";
    static final String TEST = "sh test.sh";
    static final String ARTIFACT = "out/app.py";
    static final String START = "python3 {artifact}";

    /** How a version behaves. {@code ddlThenExit}: runs this SQL with psql at start, then exits 3 (a failed migration). */
    record Version(String name, boolean ready, boolean testsPass, String ddlThenExit) {
        static Version good(String name) {
            return new Version(name, true, true, null);
        }
    }

    private static final String APP = """
            import http.server, os, subprocess, sys
            VERSION = %s
            READY = %s
            DDL = %s
            if DDL:
                subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-q", "-c", DDL, os.environ["FIXTURE_PG_URL"]], check=True)
                sys.exit(3)
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    if self.path == "/version":
                        code, body = 200, VERSION
                    elif self.path == "/healthz":
                        code, body = 200, "ok"
                    elif self.path == "/readyz":
                        code, body = (200, "ready") if READY else (503, "migrations not applied")
                    else:
                        code, body = 404, "not found"
                    data = body.encode()
                    self.send_response(code)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                def log_message(self, *args):
                    pass
            http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
            """;

    final Path dir;

    FixtureRepo(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        git("init", "--quiet", "--initial-branch=main");
        git("config", "user.email", "test@example.invalid");
        git("config", "user.name", "Test");
    }

    /** Commits {@code v} on the current branch; returns its SHA. */
    String commit(Version v) throws IOException {
        Files.writeString(dir.resolve("app.py"), APP.formatted(py(v.name()), v.ready() ? "True" : "False",
                v.ddlThenExit() == null ? "None" : py(v.ddlThenExit())));
        Files.writeString(dir.resolve("test.sh"), v.testsPass()
                ? "echo 'Tests run: 3, Failures: 0, Errors: 0, Skipped: 0'\n"
                : "echo 'Tests run: 3, Failures: 1, Errors: 0, Skipped: 0'\necho 'FAILED: test_version'\nexit 1\n");
        git("add", "-A");
        git("commit", "--quiet", "-m", "version " + v.name());
        return git("rev-parse", "HEAD").strip();
    }

    private static String py(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    String git(String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("git " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
