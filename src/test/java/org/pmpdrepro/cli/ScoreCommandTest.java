package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code score} command on files, including the refusals of malformed input. */
@Tag("unit")
class ScoreCommandTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine()
                .setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path file(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return p;
    }

    private Path[] sacrebleuTestCorpus() throws IOException {
        return new Path[] {
            file("hyp.txt", "The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."),
            file("ref1.txt", "The dog bit the man.", "It was not unexpected.", "The man bit him first."),
            file("ref2.txt", "The dog had bit the man.", "No one was surprised.", "The man had bitten the dog.")
        };
    }

    @Test
    void sacrebleuPrintsTheScoreWithItsSignatureLikeSacrebleu() throws IOException {
        Path[] f = sacrebleuTestCorpus();
        Run r = run("score", "--metric", "sacrebleu", "--hyp", f[0].toString(), "--ref", f[1].toString(), "--ref", f[2].toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("BLEU|nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+pmpd = 48.53 ");
        assertThat(r.out()).contains("BP = ").contains("hyp_len = ");
    }

    @Test
    void jsonOutputCarriesScoreCountsTotalsAndSignature() throws IOException {
        Path[] f = sacrebleuTestCorpus();
        Run r = run("score", "--metric", "sacrebleu", "--json", "--hyp", f[0].toString(), "--ref", f[1].toString(),
                "--ref", f[2].toString());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("score").asDouble()).isCloseTo(48.530827, within(1e-6));
        assertThat(j.get("counts")).hasSize(4);
        assertThat(j.get("totals")).hasSize(4);
        assertThat(j.get("signature").asText()).isEqualTo("nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+pmpd");
        assertThat(j.get("aggregation").asText()).contains("summed n-gram statistics");
    }

    @Test
    void rougeJsonReportsPrecisionRecallAndTheMeanAggregation() throws IOException {
        Path hyp = file("hyp.txt", "the friends had a meeting", "testing one");
        Path ref = file("ref.txt", "a meeting of friends", "testing one two");
        Run r = run("score", "--metric", "rougeL", "--stemmer", "--json", "--hyp", hyp.toString(), "--ref", ref.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("metric").asText()).isEqualTo("rougeL");
        assertThat(j.has("precision") && j.has("recall") && j.has("fmeasure")).isTrue();
        assertThat(j.get("score").asDouble()).isEqualTo(j.get("fmeasure").asDouble());
        assertThat(j.get("signature").asText()).startsWith("rougeL|stem:yes");
        assertThat(j.get("aggregation").asText()).isEqualTo("mean of per-sample scores");
    }

    @Test
    void sentenceModePrintsOneScorePerLine() throws IOException {
        Path[] f = sacrebleuTestCorpus();
        Run r = run("score", "--metric", "sacrebleu", "--sentence", "--hyp", f[0].toString(), "--ref", f[1].toString());
        assertThat(r.out().lines().toList()).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("BLEU|nrefs:1|case:mixed|eff:yes"));
        assertThat(r.out().lines().findFirst().orElseThrow()).contains(" = 100.00 ");
    }

    @Test
    void evaluateBleuIsOnTheZeroToOneScale() throws IOException {
        Path[] f = sacrebleuTestCorpus();
        Run r = run("score", "--metric", "bleu", "--json", "--hyp", f[0].toString(), "--ref", f[1].toString());
        double score = new ObjectMapper().readTree(r.out()).get("score").asDouble();
        assertThat(score).isBetween(0.0, 1.0);
        Run sacre = run("score", "--metric", "sacrebleu", "--smooth-method", "none", "--json", "--hyp", f[0].toString(),
                "--ref", f[1].toString());
        assertThat(score).isCloseTo(new ObjectMapper().readTree(sacre.out()).get("score").asDouble() / 100, within(1e-12));
    }

    @Test
    void pairedBootstrapReportsDifferenceIntervalAndPValue() throws IOException {
        Path[] f = sacrebleuTestCorpus();
        Path worse = file("worse.txt", "dog man", "It surprising.", "man him.");
        Run r = run("score", "--metric", "sacrebleu", "--json", "--paired-bs", worse.toString(), "--resamples", "200",
                "--hyp", f[0].toString(), "--ref", f[1].toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("difference").asDouble()).isPositive();
        assertThat(j.get("ci_lower").asDouble()).isLessThanOrEqualTo(j.get("ci_upper").asDouble());
        assertThat(j.get("p_value").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("signature").asText()).startsWith("nrefs:1|bs:200|seed:12345|case:mixed|");
    }

    @Test
    void filesOfDifferentLineCountsAreRefusedWithBothCounts() throws IOException {
        Path hyp = file("hyp.txt", "a", "b", "c");
        Path ref = file("ref.txt", "a", "b");
        Run r = run("score", "--metric", "sacrebleu", "--hyp", hyp.toString(), "--ref", ref.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("line counts differ").contains("hyp.txt has 3 lines").contains("ref.txt has 2");
    }

    @Test
    void undecodableBytesAreRefusedWithTheirPosition() throws IOException {
        Path hyp = dir.resolve("latin1.txt");
        Files.write(hyp, "caf\u00e9 ok\nna\u00efve\n".getBytes(StandardCharsets.ISO_8859_1));
        Path ref = file("ref.txt", "cafe ok", "naive");
        Run r = run("score", "--metric", "rougeL", "--hyp", hyp.toString(), "--ref", ref.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("latin1.txt: not valid UTF-8 at byte offset 3 (line 1)");
    }

    @Test
    void emptyAndMissingFilesAreRefused() throws IOException {
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "");
        Path ref = file("ref.txt", "a");
        Run r = run("score", "--metric", "bleu", "--hyp", empty.toString(), "--ref", ref.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("empty.txt: is empty");
        Run missing = run("score", "--metric", "bleu", "--hyp", dir.resolve("nope.txt").toString(), "--ref", ref.toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("nope.txt: no such file");
        assertThat(missing.out()).isEmpty();
    }

    @Test
    void bleuOfReferencesThatAreAllEmptyIsRefusedNamingTheFiles() throws IOException {
        // Found by ScoreInputFuzzTest#scoredSegments (a file of one blank segment): BLEU's refusal named no file.
        Path hyp = file("hyp.txt", "a b", "c");
        Path ref = file("ref.txt", "", "  ");
        Run r = run("score", "--metric", "bleu", "--hyp", hyp.toString(), "--ref", ref.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("pmpd score: error: " + hyp + " against " + ref + ": every segment's shortest"
                + " reference is empty");
    }

    @Test
    void anEmptyReferenceLineCountsAsAReferenceOfLengthZeroAsInSacrebleu() throws IOException {
        Path hyp = file("hyp.txt", "a b", "c d");
        Path ref = file("ref.txt", "a b", "");
        Run r = run("score", "--metric", "sacrebleu", "--json", "--hyp", hyp.toString(), "--ref", ref.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(new ObjectMapper().readTree(r.out()).get("ref_len").asInt()).isEqualTo(2);
    }

    @Test
    void flagsOfAnotherMetricAreUsageErrors() throws IOException {
        Path hyp = file("hyp.txt", "a");
        Run r = run("score", "--metric", "rougeL", "--tokenize", "intl", "--hyp", hyp.toString(), "--ref", hyp.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--tokenize applies to sacrebleu only");
        Run bad = run("score", "--metric", "sacrebleu", "--tokenize", "moses", "--hyp", hyp.toString(), "--ref", hyp.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown BLEU tokenizer 'moses'");
        Run ignored = run("score", "--metric", "sacrebleu", "--smooth-value", "0.5", "--hyp", hyp.toString(), "--ref",
                hyp.toString());
        assertThat(ignored.exitCode()).isEqualTo(2);
        assertThat(ignored.err()).contains("--smooth-value applies to floor and add-k, not to exp");
        Run unknown = run("score", "--metric", "meteor", "--hyp", hyp.toString(), "--ref", hyp.toString());
        assertThat(unknown.err()).contains("--metric 'meteor' is not one of");
    }

    @Test
    void aNonFiniteSmoothingValueIsAUsageErrorInsteadOfTheDefault() throws IOException {
        Path hyp = file("hyp.txt", "a b c");
        for (String value : List.of("NaN", "Infinity", "-Infinity")) {
            Run r = run("score", "--metric", "sacrebleu", "--smooth-method", "floor", "--smooth-value", value, "--hyp",
                    hyp.toString(), "--ref", hyp.toString());
            assertThat(r.exitCode()).as(value).isEqualTo(2);
            assertThat(r.err()).as(value).contains("--smooth-value " + value + ": expected a positive finite number");
        }
    }

    @Test
    void anEndlessHypothesisFileIsRefusedNamingItAndTheLimit() throws IOException {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero), "needs /dev/zero");
        Path ref = file("ref.txt", "a");
        Run r = run("score", "--metric", "rougeL", "--hyp", zero.toString(), "--ref", ref.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("pmpd score: error: /dev/zero: larger than 64 MiB");
    }

    @Test
    void bertscoreOfAFileAgainstItselfIsOneAndNamesItsEncoder() throws IOException {
        Path hyp = file("hyp.txt", "command line tool for transferring data", "a text editor");
        Run r = run("score", "--metric", "bertscore", "--json", "--hyp", hyp.toString(), "--ref", hyp.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("score").asDouble()).isCloseTo(1.0, within(1e-6));
        assertThat(j.get("encoder").asText()).isEqualTo("all-MiniLM-L6-v2");
        assertThat(j.get("layer").asInt()).isEqualTo(6);
        assertThat(List.of(j.get("signature").asText().split("\\|"))).contains("enc:all-MiniLM-L6-v2", "layer:6", "idf:no");
        Run rescaled = run("score", "--metric", "bertscore", "--idf", "--rescale-with-baseline", "--json", "--hyp",
                hyp.toString(), "--ref", hyp.toString());
        JsonNode k = new ObjectMapper().readTree(rescaled.out());
        assertThat(k.get("score").asDouble()).isCloseTo(1.0, within(1e-6));
        assertThat(k.get("signature").asText()).contains("idf:yes", "rescale:yes");
    }
}
