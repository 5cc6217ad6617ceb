package org.pmpdrepro.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .ci/docker-try-up}, which Maven runs before the integration tests, on a machine made of stubs: {@code docker},
 * {@code id} and the commands {@code .ci/docker-up} would use to install and start an engine come first on the
 * {@code PATH}, so no case can touch the real machine. Whatever it finds, the script exits 0 and leaves one line
 * that the container tests quote.
 */
@Tag("unit")
class DockerTryUpTest {

    static final Path SCRIPT = Path.of(".ci", "docker-try-up");

    @TempDir
    Path dir;

    Path report;
    Path calls;
    Map<String, String> env;

    @BeforeEach
    void stubs() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path state = Files.createDirectories(dir.resolve("state"));
        report = dir.resolve("target").resolve("docker-try-up.txt");
        calls = dir.resolve("calls");
        String log = "echo \"$(basename \"$0\") $*\" >> '" + calls + "'\n";
        // The engine answers once state/engine exists, and has the base image once state/image exists.
        stub(bin, "docker", log + "case \"$1\" in\n  info) [ -e '" + state + "/engine' ] ;;\n"
                + "  image) [ -e '" + state + "/image' ] ;;\n  *) exit 1 ;;\nesac\n");
        stub(bin, "id", "echo \"$STUB_UID\"\n");
        // docker-up starts dockerd through setsid: the stub engine comes up (with its image) when told to.
        stub(bin, "setsid", log + "if [ \"$STUB_ENGINE_STARTS\" = yes ]; then touch '" + state + "/engine' '"
                + state + "/image'; fi\n");
        for (String other : List.of("dockerd", "debootstrap", "apt-get", "sleep")) {
            stub(bin, other, log);
        }
        env = new HashMap<>(Map.of("PATH", bin + ":/usr/bin:/bin", "STUB_UID", "0", "STUB_ENGINE_STARTS", "no",
                "PMPD_DOCKER_LOG_DIR", dir.resolve("docker-log").toString()));
    }

    @Test
    void anEngineWithTheBaseImageNeedsNothingAndDockerUpDoesNotRun() throws Exception {
        Files.createFile(dir.resolve("state/engine"));
        Files.createFile(dir.resolve("state/image"));
        run();
        assertThat(Files.readString(report)).startsWith("ready: the Docker engine answers and has what");
        assertThat(calls()).noneMatch(c -> c.startsWith("setsid"));
    }

    @Test
    void withoutRootNothingIsStartedAndTheReportSaysSo() throws Exception {
        env.put("STUB_UID", "1000");
        String log = run();
        assertThat(Files.readString(report)).startsWith("not brought up: this build does not run as root");
        assertThat(log).contains("docker-try-up: no Docker engine answers; not brought up: this build does not run"
                + " as root");
        assertThat(calls()).noneMatch(c -> c.startsWith("setsid") || c.startsWith("apt-get"));
    }

    @Test
    void anEngineWithoutTheBaseImageIsWhatTheLogNamesWithoutRoot() throws Exception {
        Files.createFile(dir.resolve("state/engine"));
        env.put("STUB_UID", "1000");
        assertThat(run()).contains("docker-try-up: the Docker engine has no base image pmpd-base:trixie-jre25;"
                + " not brought up: this build does not run as root");
    }

    @Test
    void aNamedDecoderImageNeedsNoBaseImage() throws Exception {
        Files.createFile(dir.resolve("state/engine"));
        env.put("PMPD_IMAGE", "pmpd-decoder:prebuilt");
        run();
        assertThat(Files.readString(report)).startsWith("ready: ");
    }

    @Test
    void turnedOffItStartsNothingEvenAsRoot() throws Exception {
        env.put("PMPD_DOCKER_UP", "false");
        run();
        assertThat(Files.readString(report)).isEqualTo("not brought up: -Dpmpd.dockerUp=false\n");
        assertThat(calls()).noneMatch(c -> c.startsWith("setsid"));
    }

    @Test
    void skippedIntegrationTestsNeedNoEngine() throws Exception {
        env.put("PMPD_SKIP_ITS", "true");
        run();
        assertThat(Files.readString(report)).isEqualTo("not needed: the integration tests are skipped\n");
        assertThat(calls()).isEmpty();
    }

    @Test
    void asRootDockerUpStartsTheEngineAndTheReportSaysItIsReady() throws Exception {
        env.put("STUB_ENGINE_STARTS", "yes");
        String log = run();
        assertThat(calls()).anyMatch(c -> c.startsWith("setsid dockerd"));
        assertThat(log).contains("docker-try-up: no Docker engine answers; bringing it up with .ci/docker-up");
        assertThat(Files.readString(report)).isEqualTo("ready: brought up by .ci/docker-up (engine and base image"
                + " pmpd-base:trixie-jre25)\n");
    }

    @Test
    void asRootAFailedDockerUpIsReportedAndTheBuildGoesOn() throws Exception {
        String log = run();
        assertThat(calls()).anyMatch(c -> c.startsWith("setsid dockerd"));
        assertThat(log).contains("docker-up: dockerd did not answer within 60 s");
        assertThat(Files.readString(report)).isEqualTo("not brought up: .ci/docker-up failed with exit code 1"
                + " (its messages are above it in the build log)\n");
    }

    /** Runs the script, asserts it exited 0, and returns what it printed. */
    private String run() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), report.toString()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("finished within 60 s").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private List<String> calls() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    private static void stub(Path bin, String name, String body) throws IOException {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
