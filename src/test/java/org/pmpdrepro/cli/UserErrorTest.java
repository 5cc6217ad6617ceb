package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A user error is one line on stderr and exit code 1; the stack trace only with --verbose. */
@Tag("unit")
class UserErrorTest {

    private static String[] run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), err.toString()};
    }

    @Test
    void aModelDirectoryWithoutItsFilesIsOneLineWithoutAStackTrace(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        // haq-search has no error handling of its own: the command line's handler reports it.
        String[] r = run("haq-search", "--model", empty.toString(), "--out", dir.resolve("out").toString());
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).startsWith("pmpd haq-search: error: ").contains(empty.toString()).doesNotContain("\tat ");
        assertThat(r[1].strip().lines()).hasSize(1);
    }

    @Test
    void verboseAddsTheStackTrace(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        String[] r = run("haq-search", "--model", empty.toString(), "--out", dir.resolve("out").toString(),
                "--verbose");
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).startsWith("pmpd haq-search: error: ").contains("\tat org.pmpdrepro.");
    }

    @Test
    void aMissingFileIsNamedWithWhatIsWrongWithIt(@TempDir Path dir) {
        Path missing = dir.resolve("calibration.jsonl");
        String[] r = run("bitmixer-train", "--calibration", missing.toString(), "--out", dir.resolve("out").toString(),
                "--work", dir.resolve("work").toString());
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1].strip()).isEqualTo("pmpd bitmixer-train: error: " + missing + ": no such file or directory");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aWrappedFileErrorReadsTheSame() {
        assertThat(Main.message(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("a/b.json"))))
                .isEqualTo("a/b.json: no such file or directory");
        assertThat(Main.message(new java.io.UncheckedIOException("cannot hash a/b.json",
                new java.nio.file.AccessDeniedException("a/b.json"))))
                .isEqualTo("a/b.json: permission denied (cannot hash a/b.json)");
        assertThat(Main.message(new IllegalArgumentException("bad value"))).isEqualTo("bad value");
    }
}
