package org.pmpdrepro.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;

@Tag("unit")
class CellFilesTest {

    static final JobCell CELL = new JobCell("A1", Task.DEBCHAT, "rtn", new BitWidthPair(4, 3), "phase-aware-only");
    static final CellRun.Origin ORIGIN = new CellRun.Origin("djl-pytorch 2.7.1", "model-sha", "fixtures-sha");

    static TaskOutputs outputs(double averageBits) {
        List<SampleOutput> samples = List.of(
                new SampleOutput("debchat/a/1", "Package: a\nSynopsis: s", "ref one", "out one", " out one\nmore",
                        List.of(5, 9, 2), List.of("4bit", "3bit", "3bit"), true),
                new SampleOutput("debchat/b/2", "Package: b \"quoted\" \u00e9", "ref two", "", "",
                        List.of(), List.of(), false));
        return new TaskOutputs(Task.DEBCHAT, samples, "phase-aware-only 4-3", 2, "cpu()", 4, 1.25, 3.2, averageBits);
    }

    static CellRun run(double averageBits) {
        TaskOutputs o = outputs(averageBits);
        return new CellRun(CELL, o, 0.5, References.dataset(o), new CellRun.Accounting(1234.5, Double.NaN, true),
                ORIGIN);
    }

    /** debchat as the suite scores it: against the full-precision model's outputs, which travel in their own file. */
    static CellRun againstFullPrecision() {
        TaskOutputs o = outputs(3.0);
        return new CellRun(CELL, o, 0, new References(References.FULL_PRECISION, List.of("fp one", "fp \"two\"")),
                new CellRun.Accounting(1000, 2000, false), ORIGIN);
    }

    static Path timings(Path out) {
        return out.resolve(CELL.id()).resolve(CellFiles.TIMINGS);
    }

    @Test
    void whatIsWrittenIsReadBackEqual(@TempDir Path out) throws Exception {
        CellRun written = run(3.0);
        Path dir = CellFiles.write(out, written);
        assertThat(dir).isEqualTo(out.resolve("A1-debchat-rtn-4-3-phase-aware-only"));
        assertThat(dir.resolve(CellFiles.OUTPUTS)).content(StandardCharsets.UTF_8).hasLineCount(2);
        assertThat(dir.resolve(CellFiles.REFERENCES)).as("dataset references travel with the samples")
                .doesNotExist();
        assertThat(CellFiles.read(out, CELL)).isEqualTo(written);
        assertThat(CellFiles.listed(dir.resolve(CellFiles.DONE)))
                .containsExactly(CellFiles.OUTPUTS, CellFiles.TIMINGS, CellFiles.DONE);
        assertThat(dir.resolve(CellFiles.DONE)).content(StandardCharsets.UTF_8).contains("\"pair\" : \"4-3\"");
    }

    @Test
    void referencesOtherThanTheSamplesOwnAreWrittenHashedAndReadBack(@TempDir Path out) throws Exception {
        CellRun written = againstFullPrecision();
        Path dir = CellFiles.write(out, written);
        assertThat(dir.resolve(CellFiles.REFERENCES)).content(StandardCharsets.UTF_8).hasLineCount(2);
        assertThat(CellFiles.listed(dir.resolve(CellFiles.DONE)))
                .containsExactly(CellFiles.OUTPUTS, CellFiles.TIMINGS, CellFiles.REFERENCES, CellFiles.DONE);
        CellRun read = CellFiles.read(out, CELL);
        assertThat(read).isEqualTo(written);
        assertThat(read.references().label()).isEqualTo(References.FULL_PRECISION);

        Path refs = dir.resolve(CellFiles.REFERENCES);
        Files.writeString(refs, Files.readString(refs).replace("fp one", "fp 1"));
        assertThatThrownBy(() -> CellFiles.read(out, CELL)).hasMessageContaining(refs.toString())
                .hasMessageContaining("SHA-256");
    }

    @Test
    void numbersThatAreNotFiniteSurviveAsNull(@TempDir Path out) throws Exception {
        CellFiles.write(out, run(Double.NaN));
        assertThat(timings(out)).content().contains("\"averageBits\" : null").contains("\"residentBytes\" : null");
        CellRun read = CellFiles.read(out, CELL);
        assertThat(read.outputs().averageBits()).isNaN();
        assertThat(read.accounting().residentBytes()).isNaN();
        assertThat(read.accounting().bytesPerToken()).isEqualTo(1234.5);
    }

    @Test
    void aCellWithoutDoneJsonDidNotFinish(@TempDir Path out) throws Exception {
        CellFiles.write(out, run(3.0));
        Files.delete(out.resolve(CELL.id()).resolve(CellFiles.DONE));
        assertThatThrownBy(() -> CellFiles.read(out, CELL)).hasMessageContaining("did not finish")
                .hasMessageContaining("no done.json");
    }

    @Test
    void aFileDamagedOnTheWayBackIsRefusedByItsHash(@TempDir Path out) throws Exception {
        CellFiles.write(out, run(3.0));
        Path outputs = out.resolve(CELL.id()).resolve(CellFiles.OUTPUTS);
        Files.writeString(outputs, Files.readString(outputs).replace("out one", "out 1"));
        assertThatThrownBy(() -> CellFiles.read(out, CELL)).hasMessageContaining(outputs.toString())
                .hasMessageContaining("SHA-256");
    }

    @Test
    void filesOfAnotherCellAreNotTakenForThisOne(@TempDir Path out) throws Exception {
        CellFiles.write(out, run(3.0));
        JobCell other = new JobCell("A2", Task.DEBCHAT, "rtn", new BitWidthPair(4, 3), "phase-aware-only");
        Files.move(out.resolve(CELL.id()), out.resolve(other.id()));
        assertThatThrownBy(() -> CellFiles.read(out, other)).hasMessageContaining("cell.id")
                .hasMessageContaining(CELL.id());
    }

    /** Each edit of timings.json is re-hashed into done.json, so only the strict parse can catch it. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "\"decodeShared\" : true    | \"decodeShared\" : \"yes\"   | decodeShared: \"yes\": expected true or false",
        "\"bytesPerToken\" : 1234.5 | \"bytesPerToken\" : \"many\" | bytesPerToken: \"many\": expected a number",
        "\"samples\" : 2            | \"samples\" : 3              | samples 3, but",
        "\"samples\" : 2            | \"samples\" : 2.5            | samples: 2.5: expected an integer",
        "\"backend\" : \"djl-pytorch 2.7.1\", | ~~                | backend: missing; expected a string",
        "\"cell\" :                 | \"seed\" : 1, \"cell\" :     | seed: unknown field",
        "\"referencesLabel\" : \"human continuation\" | \"referencesLabel\" : \"full-precision output\""
                + " | without references.jsonl",
        "\"task\" : \"debchat\"     | \"task\" : \"debsum\"        | task 'debsum', expected 'debchat'",
    })
    void aMalformedTimingsFieldIsNamedWithItsFile(String original, String replacement, String problem,
            @TempDir Path out) throws Exception {
        CellFiles.write(out, run(3.0));
        Path file = timings(out);
        String text = Files.readString(file);
        assertThat(text).contains(original);
        Files.writeString(file, text.replace(original, replacement));
        rehash(out.resolve(CELL.id()));
        assertThatThrownBy(() -> CellFiles.read(out, CELL)).hasMessageStartingWith(file.toString())
                .hasMessageContaining(problem);
    }

    @Test
    void doneJsonListingAnUnknownFileIsRefused(@TempDir Path out) throws Exception {
        Path dir = CellFiles.write(out, run(3.0));
        Path done = dir.resolve(CellFiles.DONE);
        Files.writeString(done, Files.readString(done).replace("\"sha256\" : {", "\"sha256\" : {\"core\" : \"00\","));
        assertThatThrownBy(() -> CellFiles.listed(done)).hasMessageStartingWith(done.toString())
                .hasMessageContaining("sha256.core: unknown field");
    }

    /** Rewrites done.json's hash of timings.json after an edit, as a buggy writer would have. */
    static void rehash(Path dir) throws Exception {
        Path done = dir.resolve(CellFiles.DONE);
        String text = Files.readString(done);
        String hash = org.pmpdrepro.io.Hashes.sha256Hex(dir.resolve(CellFiles.TIMINGS));
        Files.writeString(done, text.replaceFirst("(\"" + CellFiles.TIMINGS.replace(".", "\\.")
                + "\" : \")[0-9a-f]+\"", "$1" + hash + "\""));
    }
}
