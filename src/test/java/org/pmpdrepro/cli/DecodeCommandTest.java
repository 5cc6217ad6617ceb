package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.eval.RandomModelDirectory;

/** The {@code decode} and {@code reproduce} commands on a random model directory. */
@Tag("unit")
class DecodeCommandTest {

    @TempDir
    static Path dir;

    static Path model;


    @BeforeAll
    static void writeModel() throws IOException {
        model = RandomModelDirectory.write(dir.resolve("model"), 4L);
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void decodingAPromptPrintsTheContinuationAndTokensPerSecond() {
        CliRun r = run("decode", "--model", model.toString(), "--device", "cpu", "--prompt", "Package: vim\nDescription:",
                "--max-new-tokens", "5");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("5 tokens in").contains("tokens/s on cpu()").contains("token limit");
    }

    @Test
    void decodingATaskPrintsEveryMetricAndWritesResults() {
        Path out = dir.resolve("decode-out");
        CliRun r = run("decode", "--model", model.toString(), "--device", "cpu", "--task", "debtrans", "--limit", "2",
                "--batch-size", "2", "--no-bertscore", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("debtrans: 2 test examples on cpu(), batch 2").contains("tokens/s")
                .contains("* bleu|").contains("* BLEU|nrefs:1").contains("rougeL|stem:yes")
                .contains("scored against the dataset reference");
        assertThat(out.resolve("debtrans").resolve("outputs.jsonl")).isRegularFile();
        assertThat(out.resolve("debtrans").resolve("scores.json")).isRegularFile();
        assertThat(out.resolve("summary.md")).isRegularFile();
    }

    @Test
    void reproducePrintsOneTableOverTasksAndBaselines() throws IOException {
        Path out = dir.resolve("repro-out");
        CliRun r = run("reproduce", "--model", model.toString(), "--device", "cpu", "--limit", "1", "--no-bertscore",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("tokens/s").contains("debsum    model, fixed full")
                .contains("baseline lead").contains("baseline echo").contains("human continuation")
                .contains("results written to " + out);
        assertThat(Files.readString(out.resolve("summary.md"))).contains("| debchat | model, fixed full |");
    }

    @Test
    void aMalformedFixtureLineIsAOneLineErrorNamingFileAndLineWithExitCodeOne() throws IOException {
        Path broken = BrokenFixtures.write(dir.resolve("broken-fixtures"));
        CliRun r = run("decode", "--model", model.toString(), "--device", "cpu", "--task", "debsum", "--limit", "1",
                "--fixtures", broken.getParent().getParent().toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("pmpd decode: error: " + broken + ":2: not valid JSON")
                .doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void aMissingModelDirectoryIsAOneLineErrorWithExitCodeOne() {
        Path missing = dir.resolve("no-model");
        CliRun r = run("decode", "--model", missing.toString(), "--device", "cpu", "--prompt", "hello");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("pmpd decode: error: model directory " + missing).doesNotContain("\n");
        CliRun repro = run("reproduce", "--model", missing.toString(), "--device", "cpu");
        assertThat(repro.exitCode()).isEqualTo(1);
        assertThat(repro.err()).startsWith("pmpd reproduce: error: model directory " + missing);
    }

    @Test
    void missingFixturesAreReportedBeforeTheModelIsLoaded() {
        Path noFixtures = dir.resolve("no-fixtures");
        CliRun r = run("reproduce", "--model", dir.resolve("no-model").toString(), "--fixtures", noFixtures.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("pmpd reproduce: error: fixture directory " + noFixtures);
        CliRun d = run("decode", "--model", dir.resolve("no-model").toString(), "--task", "debsum", "--fixtures",
                noFixtures.toString());
        assertThat(d.exitCode()).isEqualTo(1);
        assertThat(d.err()).startsWith("pmpd decode: error: fixture directory " + noFixtures);
        CliRun verbose = run("reproduce", "--verbose", "--model", dir.resolve("no-model").toString(), "--fixtures",
                noFixtures.toString());
        assertThat(verbose.exitCode()).isEqualTo(1);
        assertThat(verbose.err()).as("the one error handler: --verbose adds the stack trace")
                .startsWith("pmpd reproduce: error: fixture directory " + noFixtures).contains("\tat org.pmpdrepro.");
    }

    @Test
    void anUnknownTaskOrSplitIsAUsageError() {
        CliRun r = run("decode", "--model", model.toString(), "--task", "cnndm");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown task 'cnndm'").contains("debsum, debtrans, debchat");
        CliRun s = run("decode", "--model", model.toString(), "--task", "debsum", "--split", "train");
        assertThat(s.exitCode()).isEqualTo(2);
        assertThat(s.err()).contains("--split train");
    }

    @Test
    void promptAndTaskTogetherOrNeitherAreUsageErrors() {
        assertThat(run("decode", "--prompt", "x", "--task", "debsum").exitCode()).isEqualTo(2);
        assertThat(run("decode").exitCode()).isEqualTo(2);
        assertThat(run("decode", "--prompt", "x", "--limit", "3").err()).contains("--limit applies to --task only");
        assertThat(run("decode", "--prompt", "x", "--device", "tpu").err()).contains("expected auto, cpu or gpu");
        CliRun tokens = run("decode", "--task", "debsum", "--max-new-tokens", "5");
        assertThat(tokens.exitCode()).isEqualTo(2);
        assertThat(tokens.err()).contains("--max-new-tokens applies to --prompt only").contains("debsum 24");
    }
}
