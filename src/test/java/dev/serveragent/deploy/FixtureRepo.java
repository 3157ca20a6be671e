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
 * {@code /healthz}, {@code /readyz} (with its pid, as the agent) and {@code /version} on {@code $PORT}
 * with SO_REUSEPORT, and {@code test.sh}
 * as its unit tests. Its build copies {@code app.py} to {@code out/app.py}, the artifact.
 */
final class FixtureRepo {
    static final String BUILD = "mkdir -p out && cp app.py out/app.py";
    static final String TEST = "sh test.sh";
    static final String ARTIFACT = "out/app.py";
    static final String START = "python3 {artifact}";

    /** How a version behaves. {@code ddlThenExit}: runs this SQL with psql at start, then exits 3 (a failed migration). */
    record Version(String name, boolean ready, boolean testsPass, String ddlThenExit, boolean reusePort) {
        Version(String name, boolean ready, boolean testsPass, String ddlThenExit) {
            this(name, ready, testsPass, ddlThenExit, true);
        }

        static Version good(String name) {
            return new Version(name, true, true, null);
        }

        /** A release from before SO_REUSEPORT: nothing can bind its port beside it. */
        static Version exclusivePort(String name) {
            return new Version(name, true, true, null, false);
        }
    }

    private static final String APP = """
            import http.server, os, signal, subprocess, sys, threading
            VERSION = %s
            READY = %s
            DDL = %s
            REUSE_PORT = %s
            if DDL:
                subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-q", "-c", DDL, os.environ["FIXTURE_PG_URL"]], check=True)
                sys.exit(3)
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    pid = '"pid": ' + str(os.getpid())
                    if self.path == "/version":
                        code, body = 200, VERSION
                    elif self.path == "/healthz":
                        code, body = 200, '{"status": "ok", ' + pid + '}'
                    elif self.path == "/readyz":
                        code, body = (200, '{"status": "ready", ' + pid + '}') if READY else (503, '{"status": "migrations not applied", ' + pid + '}')
                    else:
                        code, body = 404, "not found"
                    data = body.encode()
                    self.send_response(code)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                def log_message(self, *args):
                    pass
            class S(http.server.ThreadingHTTPServer):
                allow_reuse_port = REUSE_PORT  # as the agent: a new release binds beside the running one
            srv = S(("127.0.0.1", int(os.environ["PORT"])), H)
            # SIGTERM as the agent takes it: stop accepting, finish what is in flight, exit.
            signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=srv.shutdown).start())
            srv.serve_forever()
            srv.server_close()
            """;

    /** The Java variant: {@code App.java} built into {@code out/app.jar}, started by the default {@code java -jar}. */
    static final String JAR_ARTIFACT = "out/app.jar";
    private static final Path JDK_BIN = Path.of(System.getProperty("java.home"), "bin");
    static final String JAR_BUILD = "mkdir -p out/classes && " + JDK_BIN.resolve("javac") + " -d out/classes App.java && "
            + JDK_BIN.resolve("jar") + " --create --file " + JAR_ARTIFACT + " --main-class App -C out/classes .";

    /**
     * The service as a jar (JDK HTTP server): {@code serve} serves as {@code app.py}; {@code serve
     * --exit-when-ready} (an AOT training run) binds, then does as {@link Training} says.
     */
    private static final String JAVA_APP = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;
            public class App {
                public static void main(String[] args) throws Exception {
                    HttpServer srv = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("PORT"))), 0);
                    String pid = "\\"pid\\": " + ProcessHandle.current().pid();
                    srv.createContext("/", x -> {
                        String p = x.getRequestURI().getPath();
                        byte[] body = (p.equals("/version") ? "%s" : "{\\"status\\": \\"ready\\", " + pid + "}").getBytes();
                        x.sendResponseHeaders(p.equals("/version") || p.equals("/healthz") || p.equals("/readyz") ? 200 : 404, body.length);
                        x.getResponseBody().write(body);
                        x.close();
                    });
                    if (args.length > 1 && args[1].equals("--exit-when-ready")) {
                        switch ("%s") {
                            case "FAILS" -> {
                                System.err.println("this build cannot train: no database");
                                System.exit(2);
                            }
                            case "HANGS" -> Thread.sleep(600_000);
                            default -> { }
                        }
                        System.out.println("training with " + new java.util.TreeSet<>(System.getenv().keySet()) + " in " + System.getProperty("user.dir"));
                        srv.stop(0);
                        return;
                    }
                    srv.start();
                }
            }
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
                v.ddlThenExit() == null ? "None" : py(v.ddlThenExit()), v.reusePort() ? "True" : "False"));
        Files.writeString(dir.resolve("test.sh"), v.testsPass()
                ? "echo 'Tests run: 3, Failures: 0, Errors: 0, Skipped: 0'\n"
                : "echo 'Tests run: 3, Failures: 1, Errors: 0, Skipped: 0'\necho 'FAILED: test_version'\nexit 1\n");
        git("add", "-A");
        git("commit", "--quiet", "-m", "version " + v.name());
        return git("rev-parse", "HEAD").strip();
    }

    /** What the Java variant's training run ({@code serve --exit-when-ready}) does. */
    enum Training {
        /** Prints its environment's names and exits 0. */
        SUCCEEDS,
        /** Exits 2. */
        FAILS,
        /** Never ends. */
        HANGS
    }

    /** Commits the Java variant named {@code name} whose training run does as {@code training} says; returns its SHA. */
    String commitJar(String name, Training training) throws IOException {
        Files.writeString(dir.resolve("App.java"), JAVA_APP.formatted(name, training.name()));
        Files.writeString(dir.resolve("test.sh"), "echo 'Tests run: 1, Failures: 0, Errors: 0, Skipped: 0'\n");
        git("add", "-A");
        git("commit", "--quiet", "-m", "jar version " + name);
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
