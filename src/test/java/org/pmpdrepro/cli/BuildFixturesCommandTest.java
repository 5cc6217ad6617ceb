package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;

@Tag("unit")
class BuildFixturesCommandTest {

    private static final Path SAMPLE = Path.of("src", "test", "resources", "debian-sample");

    /** Runs the CLI capturing stdout and stderr; returns {exitCode, out, err}. */
    private static Object[] run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Object[] {code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    @DisplayName("build-fixtures writes the fixtures, records the command line as typed and prints hashes")
    void buildsFromExplicitFiles(@TempDir Path dir) {
        String en = SAMPLE.resolve("bookworm-main-Translation-en.lz4").toString();
        String fr = SAMPLE.resolve("bookworm-main-Translation-fr.lz4").toString();
        Path out = dir.resolve("tasks");
        Object[] r = run("build-fixtures", "--en", en, "--fr", fr, "--out", out.toString(),
                "--train-out", dir.resolve("train.jsonl").toString(),
                "--test-size", "30", "--calibration-size", "40", "--min-test-size", "20");
        assertThat(r[0]).as(String.valueOf(r[2])).isEqualTo(0);
        assertThat((String) r[1]).contains("debsum: available").contains("sha256").contains("train corpus");
        assertThat(TaskFixtures.load(out, Task.DEBTRANS, Split.TEST)).hasSize(30);
        assertThat(TaskFixtures.manifest(out).commandLine()).startsWith("pmpd build-fixtures --en " + en + " --fr ");
        assertThat(Files.exists(dir.resolve("train.jsonl"))).isTrue();
    }

    @Test
    @DisplayName("a folder without the Translation lists fails with exit code 1 and names the missing file")
    void missingInput(@TempDir Path dir) {
        Object[] r = run("build-fixtures", "--debian-dir", dir.toString(), "--out", dir.resolve("o").toString());
        assertThat(r[0]).isEqualTo(1);
        assertThat((String) r[2]).contains("bookworm-main-Translation-en.lz4");
    }

    @Test
    @DisplayName("without --debian-dir or --en/--fr the command is a usage error")
    void usageError() {
        Object[] r = run("build-fixtures");
        assertThat(r[0]).isEqualTo(2);
        assertThat((String) r[2]).contains("--debian-dir");
    }
}
