package org.pmpdrepro.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;

class CellFilesTest {

    static final JobCell CELL = new JobCell("A1", Task.DEBCHAT, "rtn", new PrecisionPair(4, 3), "phase-aware-only");

    static CellRun run(double averageBits) {
        List<SampleOutput> samples = List.of(
                new SampleOutput("debchat/a/1", "Package: a\nSynopsis: s", "ref one", "out one", " out one\nmore",
                        List.of(5, 9, 2), List.of("4bit", "3bit", "3bit"), true),
                new SampleOutput("debchat/b/2", "Package: b \"quoted\" \u00e9", "ref two", "", "",
                        List.of(), List.of(), false));
        return new CellRun(CELL, new TaskOutputs(Task.DEBCHAT, samples, "phase-aware-only 4-3", 2, "cpu()", 4, 1.25,
                3.2, averageBits), 0.5);
    }

    @Test
    void whatIsWrittenIsReadBackEqual(@TempDir Path out) throws Exception {
        CellRun written = run(3.0);
        Path dir = CellFiles.write(out, written);
        assertThat(dir).isEqualTo(out.resolve("A1-debchat-rtn-4-3-phase-aware-only"));
        assertThat(dir.resolve(CellFiles.OUTPUTS)).content(StandardCharsets.UTF_8).hasLineCount(2);
        assertThat(CellFiles.read(out, CELL)).isEqualTo(written);
    }

    @Test
    void anAverageBitWidthThatIsNotANumberSurvivesAsNull(@TempDir Path out) throws Exception {
        CellFiles.write(out, run(Double.NaN));
        assertThat(out.resolve(CELL.id()).resolve(CellFiles.TIMINGS)).content().contains("\"averageBits\" : null");
        assertThat(CellFiles.read(out, CELL).outputs().averageBits()).isNaN();
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
        JobCell other = new JobCell("A2", Task.DEBCHAT, "rtn", new PrecisionPair(4, 3), "phase-aware-only");
        Files.move(out.resolve(CELL.id()), out.resolve(other.id()));
        assertThatThrownBy(() -> CellFiles.read(out, other)).hasMessageContaining("cell.id")
                .hasMessageContaining(CELL.id());
    }
}
