package dev.serveragent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.Main;
import dev.serveragent.deploy.FixtureRepo.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trigger: {@code install-hook}, the hooks it writes, and {@code deploy/build_and_deploy.sh}. */
class DeployHookTest {
    static final Path SCRIPT = Path.of("deploy/build_and_deploy.sh").toAbsolutePath();

    @TempDir
    Path tmp;

    private Path recorder(String name) throws IOException {
        Path script = tmp.resolve(name);
        Files.writeString(script, "#!/bin/sh\necho \"$@\" >> " + tmp.resolve(name + ".calls") + "\necho cwd=$(pwd) jar=${SERVER_AGENT_JAR:-} >> "
                + tmp.resolve(name + ".calls") + "\nexit ${RECORDER_EXIT:-0}\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private List<String> calls(String name) throws IOException {
        Path f = tmp.resolve(name + ".calls");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    private record Run(int code, String output) {}

    private Run run(Map<String, String> env, Path dir, String... argv) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void installed_hook_deploys_merges_into_main_and_nothing_else() throws Exception {
        FixtureRepo repo = new FixtureRepo(tmp.resolve("repo"));
        String base = repo.commit(Version.good("v1"));
        Path deployScript = recorder("deploy-script");
        Map<String, String> env = new HashMap<>(Map.of("DEPLOY_REPO", repo.dir.toString(), "DATA_DIR", tmp.resolve("data").toString()));
        assertThat(Main.run(env, tmp, "install-hook", "--script", deployScript.toString(), "--jar", "/opt/sa/server-agent.jar")).isEqualTo(0);
        assertThat(repo.dir.resolve(".git/hooks/post-merge")).isExecutable();
        assertThat(repo.dir.resolve(".git/hooks/post-receive")).isExecutable();

        // A merge on another branch: no deploy.
        repo.git("checkout", "--quiet", "-b", "feature");
        String feature = repo.commit(Version.good("v2"));
        repo.git("checkout", "--quiet", "-b", "other", base);
        Map<String, String> fg = Map.of("DEPLOY_FOREGROUND", "1");
        assertThat(run(fg, repo.dir, "git", "merge", "--quiet", "--no-edit", "--no-ff", "feature").code()).isEqualTo(0);
        assertThat(calls("deploy-script")).isEmpty();

        // A merge into main: one deploy of the merge commit, with the recorded jar and home.
        repo.git("checkout", "--quiet", "main");
        assertThat(run(fg, repo.dir, "git", "merge", "--quiet", "--no-edit", "--no-ff", feature).code()).isEqualTo(0);
        String head = repo.git("rev-parse", "HEAD").strip();
        assertThat(calls("deploy-script")).containsExactly("--sha " + head, "cwd=" + repo.dir + " jar=/opt/sa/server-agent.jar");
    }

    @Test
    void post_receive_deploys_a_push_to_main_in_the_background() throws Exception {
        FixtureRepo work = new FixtureRepo(tmp.resolve("work"));
        String sha = work.commit(Version.good("v1"));
        Path bare = tmp.resolve("bare.git");
        assertThat(run(Map.of(), tmp, "git", "init", "--quiet", "--bare", bare.toString()).code()).isEqualTo(0);
        Path deployScript = recorder("deploy-script");
        Map<String, String> env = Map.of("DEPLOY_REPO", bare.toString(), "DATA_DIR", tmp.resolve("data").toString());
        assertThat(Main.run(env, tmp, "install-hook", "--script", deployScript.toString())).isEqualTo(0);

        Run push = run(Map.of(), work.dir, "git", "push", "--quiet", bare.toString(), "main");
        assertThat(push.code()).isEqualTo(0);
        assertThat(push.output()).contains("deploying " + sha + " in the background");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> calls("deploy-script").contains("--sha " + sha));
    }

    @Test
    void build_and_deploy_runs_the_deploy_command_and_passes_its_exit_code_on() throws Exception {
        Path java = recorder("java");
        Path jar = Files.writeString(tmp.resolve("server-agent.jar"), "not really a jar");
        Map<String, String> env = Map.of("SERVER_AGENT_JAR", jar.toString(), "SERVER_AGENT_JAVA", java.toString(),
                "SERVER_AGENT_HOME", tmp.toString(), "GIT_DIR", "/nonexistent");
        assertThat(run(env, tmp, SCRIPT.toString(), "--sha", "abc123").code()).isEqualTo(0);
        assertThat(calls("java")).first().isEqualTo("-jar " + jar + " deploy --sha abc123");

        Map<String, String> failing = new HashMap<>(env);
        failing.put("RECORDER_EXIT", "1");
        assertThat(run(failing, tmp, SCRIPT.toString()).code()).as("a failed deploy fails the script").isEqualTo(1);
        assertThat(calls("java")).contains("-jar " + jar + " deploy");
    }

    @Test
    void build_and_deploy_refuses_to_run_without_a_jar() throws Exception {
        Run r = run(Map.of("SERVER_AGENT_JAR", ""), tmp, SCRIPT.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.output()).contains("SERVER_AGENT_JAR");
        assertThat(run(Map.of(), tmp, SCRIPT.toString(), "--bogus").code()).isEqualTo(2);
    }
}
