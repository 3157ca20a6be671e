package dev.serveragent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./server-agent} launcher, run by bash against fake JDKs (a release file and a
 * {@code bin/java} script that prints what it was given) in a directory standing for /usr/lib/jvm.
 */
class LauncherTest {
    static final Path LAUNCHER = Path.of("server-agent").toAbsolutePath();

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    /** A fake JDK home {@code name} of major version {@code major}; its java echoes its arguments. */
    private Path jdk(Path parent, String name, int major) throws IOException {
        Path home = Files.createDirectories(parent.resolve(name));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + major + ".0.1\"\n");
        Path bin = Files.createDirectories(home.resolve("bin"));
        for (String tool : List.of("java", "javac")) {
            Path p = bin.resolve(tool);
            Files.writeString(p, "#!/bin/sh\necho \"" + name + " " + tool + " $*\"\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }

    /** Runs a copy of the launcher in {@code repo} with only the given variables (plus a PATH with {@code pathBin} first). */
    private Run run(Path launcher, Map<String, String> env, Path pathBin, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("bash", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", (pathBin == null ? "" : pathBin + ":") + "/usr/local/bin:/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** A bin directory whose {@code java} is the given JDK's (shadows the machine's own). */
    private Path pathWithJava(Path home) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("pathbin"));
        Files.deleteIfExists(bin.resolve("java"));
        Files.createSymbolicLink(bin.resolve("java"), home.resolve("bin/java"));
        return bin;
    }

    private Map<String, String> env(Path jvmDir, String... more) {
        Map<String, String> env = new HashMap<>(Map.of("SERVER_AGENT_JVM_DIR", jvmDir.toString(), "SERVER_AGENT_JDK_ONLY", "1"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void without_a_jdk_21_it_says_so_naming_what_it_found_and_exits_2() throws Exception {
        Path jvm = Files.createDirectories(tmp.resolve("jvm"));
        Path old = jdk(jvm, "jdk-17", 17);
        Run r = run(LAUNCHER, env(jvm, "JAVA_HOME", old.toString()), pathWithJava(old));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("needs a JDK 21 or newer and found none").contains(old + " (Java 17)")
                .contains("jdk-17 (Java 17)").contains("java on PATH").contains("JAVA_HOME");
    }

    @Test
    void a_too_old_java_home_gives_way_to_the_newest_jdk_under_the_jvm_directory() throws Exception {
        Path jvm = Files.createDirectories(tmp.resolve("jvm"));
        Path old = jdk(jvm, "jdk-17", 17);
        jdk(jvm, "jdk-21", 21);
        Path newest = jdk(jvm, "jdk-25", 25);
        jdk(jvm, "jdk-22", 22);
        Run r = run(LAUNCHER, env(jvm, "JAVA_HOME", old.toString()), pathWithJava(old));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo(newest.toString());
    }

    @Test
    void a_java_home_of_21_or_newer_is_used_as_it_is() throws Exception {
        Path jvm = Files.createDirectories(tmp.resolve("jvm"));
        jdk(jvm, "jdk-25", 25);
        Path chosen = jdk(tmp, "my-jdk-21", 21);
        assertThat(run(LAUNCHER, env(jvm, "JAVA_HOME", chosen.toString()), null).out().strip()).isEqualTo(chosen.toString());
    }

    @Test
    void java_on_the_path_serves_when_it_is_21_or_newer_and_nothing_else_is() throws Exception {
        Path onPath = jdk(tmp, "path-jdk", 23);
        Path jvm = Files.createDirectories(tmp.resolve("empty-jvm"));
        assertThat(run(LAUNCHER, env(jvm), pathWithJava(onPath)).out().strip()).isEqualTo(onPath.toString());
    }

    @Test
    void it_builds_when_the_jar_is_older_than_the_sources_then_runs_it_with_the_arguments_given() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path launcher = Files.copy(LAUNCHER, repo.resolve("server-agent"));
        Path jar = Files.createDirectories(repo.resolve("target")).resolve("server-agent.jar");
        Files.writeString(jar, "old");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Files.createDirectories(repo.resolve("src/main/java"));
        Files.writeString(repo.resolve("src/main/java/A.java"), "class A {}");
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        // The wrapper stands in for Maven: it records that it ran, with which JDK, and writes the jar.
        Path mvnw = repo.resolve("mvnw");
        Files.writeString(mvnw, "#!/bin/sh\necho \"built with $JAVA_HOME: $*\" > built.txt\necho new > target/server-agent.jar\n");
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jvm = Files.createDirectories(tmp.resolve("jvm"));
        Path jdk = jdk(jvm, "jdk-21", 21);

        Run r = run(launcher, Map.of("SERVER_AGENT_JVM_DIR", jvm.toString()), null, "serve", "--help");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(repo.resolve("built.txt"))).startsWith("built with " + jdk + ": ").contains("package");
        assertThat(r.out().strip()).isEqualTo("jdk-21 java -jar " + jar + " serve --help");

        // Up to date now: no second build.
        Files.delete(repo.resolve("built.txt"));
        assertThat(run(launcher, Map.of("SERVER_AGENT_JVM_DIR", jvm.toString()), null, "--version").out().strip())
                .isEqualTo("jdk-21 java -jar " + jar + " --version");
        assertThat(repo.resolve("built.txt")).doesNotExist();
    }
}
