package org.pmpdrepro.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.eval.TaskRun;

@Tag("unit")
class JobSpecTest {

    static final String CELL = "{\"ablation\": \"A1\", \"task\": \"debsum\", \"backbone\": \"rtn\", \"pair\": \"4-3\","
            + " \"scheduler\": \"none-high\"}";

    static JobSpec parse(String json) {
        return JobSpec.parse("spec.json", json);
    }

    @Test
    void aMinimalSpecificationTakesTheDefaults() {
        JobSpec spec = parse("{\"jobId\": \"j1\", \"cells\": [" + CELL + "]}");
        assertThat(spec.jobId()).isEqualTo("j1");
        assertThat(spec.limit()).isZero();
        assertThat(spec.device()).isEqualTo(DeviceChoice.AUTO);
        assertThat(spec.batchSize()).isEqualTo(TaskRun.DEFAULT_BATCH_SIZE);
        assertThat(spec.intraOpThreads()).as("the engine's default").isZero();
        assertThat(spec.cells()).containsExactly(
                new JobCell("A1", Task.DEBSUM, "rtn", new BitWidthPair(4, 3), "none-high"));
        assertThat(spec.cells().get(0).id()).isEqualTo("A1-debsum-rtn-4-3-none-high");
    }

    @Test
    void theJsonFormReadsBackToAnEqualSpecification(@TempDir Path dir) throws Exception {
        JobSpec spec = JobSpec.of("round-trip", List.of(
                        new JobCell("A1", Task.DEBCHAT, "any-precision", new BitWidthPair(3, 2), "phase-aware-only"),
                        new JobCell("A2", Task.DEBTRANS, "rtn", new BitWidthPair(8, 4), "none-low")))
                .withLimit(8).withDevice(DeviceChoice.CPU).withBatchSize(4).withIntraOpThreads(1);
        Path file = dir.resolve(JobSpec.FILE_NAME);
        spec.write(file);
        assertThat(Files.readString(file)).as("the protocol spells a pair in its file-name form")
                .contains("\"pair\" : \"3-2\"").contains("\"pair\" : \"8-4\"");
        assertThat(JobSpec.read(file)).isEqualTo(spec);
        assertThat(file).as("the bytes the protocol has always written").content().isEqualTo("""
                {
                  "jobId" : "round-trip",
                  "device" : "cpu",
                  "limit" : 8,
                  "batchSize" : 4,
                  "intraOpThreads" : 1,
                  "cells" : [ {
                    "ablation" : "A1",
                    "task" : "debchat",
                    "backbone" : "any-precision",
                    "pair" : "3-2",
                    "scheduler" : "phase-aware-only"
                  }, {
                    "ablation" : "A2",
                    "task" : "debtrans",
                    "backbone" : "rtn",
                    "pair" : "8-4",
                    "scheduler" : "none-low"
                  } ]
                }
                """);
    }

    @Test
    void anOptionalFieldWrittenAsNullTakesItsDefault() {
        JobSpec spec = parse("{\"jobId\": \"j1\", \"limit\": null, \"device\": null, \"cells\": [" + CELL + "]}");
        assertThat(spec.limit()).isZero();
        assertThat(spec.device()).isEqualTo(DeviceChoice.AUTO);
    }

    @Test
    void aRepeatedKeyIsRefusedNamingItRatherThanTheLastValueWinning() {
        assertThatThrownBy(() -> parse("{\"jobId\": \"a\", \"cells\": [" + CELL + "], \"jobId\": \"b\"}"))
                .isInstanceOf(JobSpecException.class).hasMessageStartingWith("spec.json: ")
                .hasMessageContaining("Duplicate field 'jobId'");
        assertThatThrownBy(() -> parse("{\"jobId\": \"a\", \"cells\": [" + CELL.replace("}", ", \"task\": \"debchat\"}")
                + "]}")).isInstanceOf(JobSpecException.class).hasMessageContaining("Duplicate field 'task'");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"cells\": [CELL]}                                          | jobId      | missing",
        "{\"jobId\": \"j\"}                                            | cells      | missing",
        "{\"jobId\": \"j\", \"cells\": []}                             | cells      | at least one cell",
        "{\"jobId\": \"j\", \"cells\": {}}                             | cells      | expected an array",
        "{\"jobId\": \"a b\", \"cells\": [CELL]}                       | jobId      | 'a b'",
        "{\"jobId\": \"j\", \"cells\": [CELL], \"limit\": -1}          | limit      | -1",
        "{\"jobId\": \"j\", \"cells\": [CELL], \"limit\": \"8\"}       | limit      | expected an integer",
        "{\"jobId\": \"j\", \"cells\": [CELL], \"batchSize\": 0}       | batchSize  | at least 1",
        "{\"jobId\": \"j\", \"cells\": [CELL], \"intraOpThreads\": -2} | intraOpThreads | -2: expected 0",
        "{\"jobId\": \"j\", \"cells\": [CELL], \"intraOpThreads\": true} | intraOpThreads | expected an integer",
        "{\"jobId\": \"j\", \"cells\": [CELL], \"device\": \"tpu\"}    | device     | expected auto, cpu or gpu",
        "{\"jobId\": \"j\", \"cells\": [CELL], \"seed\": 1}            | seed       | unknown field",
        "{\"jobId\": \"j\", \"cells\": [CELL, CELL]}                   | cells[1]   | repeats cell A1-debsum-rtn-4-3",
        "{\"jobId\": \"j\", \"cells\": [7]}                            | cells[0]   | expected an object",
    })
    void aBadTopLevelFieldIsNamedWithWhatWasExpected(String json, String field, String problem) {
        assertThatThrownBy(() -> parse(json.replace("CELL", CELL)))
                .isInstanceOfSatisfying(JobSpecException.class, e -> {
                    assertThat(e.source()).isEqualTo("spec.json");
                    assertThat(e.field()).isEqualTo(field);
                })
                .hasMessageStartingWith("spec.json: " + field + ": ")
                .hasMessageContaining(problem);
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "task      | \"debnews\"   | unknown task 'debnews', expected one of debsum, debtrans, debchat",
        "pair      | \"3-4\"       | 16 >= high > low >= 1",
        "pair      | \"4/3\"       | '4/3': expected HIGH>LOW or HIGH-LOW bit-widths, such as 4>3 or 4-3",
        "pair      | 43            | expected a string",
        "backbone  | \"../x\"      | '../x': expected 1-64 characters",
        "scheduler | \"\"          | '': expected 1-64 characters",
        "ablation  | null          | null; expected a string",
        "ablation  | 1             | 1: expected a string",
        "colour    | \"red\"       | unknown field; expected one of [ablation, backbone, pair, scheduler, task]",
    })
    void aBadCellFieldIsNamedByItsPath(String field, String value, String problem) {
        String cell = CELL.replaceFirst("\"" + field + "\": [^,}]*", "\"" + field + "\": " + value);
        if (!cell.contains("\"" + field + "\"")) {
            cell = CELL.replace("{", "{\"" + field + "\": " + value + ", ");
        }
        String json = "{\"jobId\": \"j\", \"cells\": [" + CELL + ", " + cell + "]}";
        assertThatThrownBy(() -> parse(json)).isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("spec.json: cells[1]." + field + ": ")
                .hasMessageContaining(problem);
    }

    @Test
    void aShardKeepsTheJobsNumericsForItsOwnCells() {
        JobCell a = new JobCell("a1", Task.DEBSUM, "gptq", new BitWidthPair(4, 3), "static");
        JobCell b = new JobCell("a2", Task.DEBTRANS, "haq", new BitWidthPair(3, 2), "learned");
        JobSpec job = JobSpec.of("job", List.of(a, b)).withLimit(8).withDevice(DeviceChoice.GPU).withBatchSize(16)
                .withIntraOpThreads(2);
        JobSpec shard = job.withCells("job-1", List.of(b));
        assertThat(shard).isEqualTo(new JobSpec("job-1", List.of(b), 8, DeviceChoice.GPU, 16, 2));
    }

    @Test
    void textThatIsNotJsonIsReportedWithItsPosition() {
        assertThatThrownBy(() -> parse("{\"jobId\": \"j\",\n \"cells\": [}")).isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith("spec.json: $: not valid JSON").hasMessageContaining("line 2");
        assertThatThrownBy(() -> parse("[1, 2]")).hasMessageContaining("spec.json: $: ").hasMessageContaining("expected an object");
    }

    @Test
    void aMissingFileNamesTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        assertThat(Files.exists(missing)).isFalse();
        assertThatThrownBy(() -> JobSpec.read(missing)).hasMessageContaining("nope.json");
    }

    @Test
    void aFileThatIsNotUtf8IsASpecificationErrorNamingFileAndByte(@TempDir Path dir) throws Exception {
        // Found by JobSpecFuzzTest: Files.readString's own error said only "Input length = 1".
        Path file = Files.write(dir.resolve(JobSpec.FILE_NAME), new byte[] {'{', '"', (byte) 0x99, '"', '}'});
        assertThatThrownBy(() -> JobSpec.read(file)).isInstanceOf(JobSpecException.class)
                .hasMessageStartingWith(file + ": $: not valid UTF-8 at byte offset 2 (line 1): byte 0x99");
    }
}
