package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.tokenizer.ProjectTokenizer;
import picocli.CommandLine;

@Tag("unit")
class TrainTokenizerCommandTest {

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    @DisplayName("train-tokenizer writes a loadable tokenizer and prints the SHA-256 of input and outputs")
    void trainsAndPrintsHashes(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("train.txt"),
                "the cat sat on the mat\nthe dog sat on the log\n".repeat(20));
        Path out = dir.resolve("tok");
        Run run = run("train-tokenizer", "--input", input.toString(), "--vocab-size", "270", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("input  " + sha256(input))
                .contains("output " + sha256(out.resolve("tokenizer.json")))
                .contains("output " + sha256(out.resolve("tokenizer_config.json")))
                .contains("vocabulary 270 tokens");
        try (ProjectTokenizer tokenizer = ProjectTokenizer.load(out)) {
            assertThat(tokenizer.vocabSize()).isEqualTo(270);
            assertThat(tokenizer.decode(tokenizer.encode("the cat sat"))).isEqualTo("the cat sat");
        }
    }

    @Test
    @DisplayName("a missing input file is a usage error naming the file")
    void missingInput(@TempDir Path dir) {
        Run run = run("train-tokenizer", "--input", dir.resolve("nope.txt").toString(), "--out", dir.toString());
        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("nope.txt: no such file");
    }

    @Test
    @DisplayName("a vocabulary size below the byte alphabet is a usage error saying the floor")
    void tooSmallVocabulary(@TempDir Path dir) throws IOException {
        Path input = Files.writeString(dir.resolve("t.txt"), "x\n");
        Run run = run("train-tokenizer", "--input", input.toString(), "--vocab-size", "10", "--out", dir.toString());
        assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(run.err()).contains("below 259");
    }
}
