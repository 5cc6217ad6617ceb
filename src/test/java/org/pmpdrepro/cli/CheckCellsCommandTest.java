package org.pmpdrepro.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.container.JobCell;
import org.pmpdrepro.container.JobSpec;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.suite.GoldenFile;
import org.pmpdrepro.suite.GoldenRow;

/** {@code check-cells}: the host half of a job decoded elsewhere, on two prompts of one cell. */
class CheckCellsCommandTest {

    @TempDir
    static Path dir;

    static Path job;
    static Path cells;

    @BeforeAll
    static void runJob() throws Exception {
        JobCell cell = new JobCell("a1", Task.DEBSUM, "rtn", new BitWidthPair(4, 3), "phase-aware-only");
        job = dir.resolve(JobSpec.FILE_NAME);
        JobSpec.of("check", List.of(cell)).withLimit(2).withDevice(DeviceChoice.CPU).withBatchSize(2).write(job);
        cells = dir.resolve("cells");
        int code = Main.run("run-job", "--spec", job.toString(), "--out", cells.toString(), "--executor", "fixture");
        assertThat(code).isZero();
    }

    private static List<CSVRecord> csv(Path file) throws Exception {
        try (Reader r = Files.newBufferedReader(file);
                CSVParser p = CSVParser.builder().setReader(r)
                        .setFormat(CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
            return p.getRecords();
        }
    }

    @Test
    void aCellWithoutAGoldenRowIsScoredOnEveryMetricAndFailsNamingTheMissingRow() throws Exception {
        Path out = dir.resolve("missing.csv");
        CliRun r = CliRun.of("check-cells", "--job", job.toString(), "--cells", cells.toString(), "--out",
                out.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("a1/debsum/rtn/4>3/phase-aware-only): 2 samples on cpu()")
                .contains("no golden row").contains("MISSING_GOLDEN")
                .contains("some metrics are outside their golden bands");
        assertThat(csv(out)).extracting(c -> c.get("metric"))
                .containsExactly("rougeL", "bertscore", "bleu", "sacrebleu");
    }

    @Test
    void goldenRowsOfTheSameValuesPassAndTheSameRunAgainstItselfIsIdentical() throws Exception {
        Path first = dir.resolve("first.csv");
        CliRun.of("check-cells", "--job", job.toString(), "--cells", cells.toString(), "--out", first.toString());
        List<GoldenRow> rows = new ArrayList<>();
        for (CSVRecord c : csv(first)) {
            rows.add(new GoldenRow("a1", c.get("cell"), c.get("metric"), Double.parseDouble(c.get("value")), 1e-9, 0,
                    0, 0, GoldenRow.Source.RUN, c.get("device"), c.get("backend"), "model", "fixtures", "commit",
                    "2026-01-01", 2));
        }
        Path golden = dir.resolve("golden.csv");
        GoldenFile.empty(golden).withRows(rows).write();
        Path out = dir.resolve("against.csv");

        CliRun r = CliRun.of("check-cells", "--job", job.toString(), "--cells", cells.toString(), "--against",
                cells.toString(), "--golden", golden.toString(), "--out", out.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("2/2 outputs identical").contains("in band")
                .contains("every metric of every cell is inside its golden band");
        for (CSVRecord c : csv(out)) {
            assertThat(c.get("status")).isEqualTo("PASSED");
            assertThat(Double.parseDouble(c.get("difference"))).as(c.get("metric")).isZero();
            assertThat(c.get("identical_outputs")).isEqualTo("2");
        }
    }

    @Test
    void cellsThatDidNotFinishAreAnErrorNamingTheCell() {
        CliRun r = CliRun.of("check-cells", "--job", job.toString(), "--cells", dir.resolve("nowhere").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("a1-debsum-rtn-4-3-phase-aware-only did not finish");
    }
}
