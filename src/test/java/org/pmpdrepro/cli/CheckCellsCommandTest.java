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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.container.CellFiles;
import org.pmpdrepro.container.CellRun;
import org.pmpdrepro.container.JobCell;
import org.pmpdrepro.container.JobSpec;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.suite.CellOutcome;
import org.pmpdrepro.suite.CellScoring;
import org.pmpdrepro.suite.ConfigurationSpread;
import org.pmpdrepro.suite.DecodeConfiguration;
import org.pmpdrepro.suite.GoldenFile;
import org.pmpdrepro.suite.GoldenUpdate;
import org.pmpdrepro.suite.JobCells;
import org.pmpdrepro.suite.RunEnvironment;

/** {@code check-cells}: the host half of a job decoded elsewhere, on two prompts of one cell. */
@Tag("unit")
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
    void aCellWithoutAGoldenRowIsScoredAndFailsNamingTheMissingRow() throws Exception {
        Path out = dir.resolve("missing.csv");
        Path empty = GoldenFile.empty(dir.resolve("empty").resolve("goldens.csv")).write().file();
        CliRun r = CliRun.of("check-cells", "--job", job.toString(), "--cells", cells.toString(), "--golden",
                empty.toString(), "--out", out.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("a1/debsum/rtn/4>3/phase-aware-only): 2 samples on cpu()")
                .contains("missing-golden").contains("no golden row")
                .contains("some cells differ from their goldens");
        assertThat(csv(out)).singleElement().satisfies(c -> {
            assertThat(c.get("basis")).isEqualTo("missing-golden");
            assertThat(c.get("passed")).isEqualTo("false");
        });
    }

    @Test
    void goldensOfTheSameOutputsPassAcrossConfigurationsAndTheSameRunAgainstItselfIsIdentical() throws Exception {
        // The goldens of these very cells, as update mode writes them (made "elsewhere": another configuration).
        JobSpec spec = JobSpec.read(job);
        CellScoring scoring = CellScoring.defaults();
        List<GoldenUpdate.Fresh> fresh = new ArrayList<>();
        for (JobCell c : spec.cells()) {
            CellRun run = CellFiles.read(cells, c);
            CellOutcome o = scoring.outcome(JobCells.decoded(JobCells.cell(c), run));
            fresh.add(GoldenUpdate.Fresh.of(o, new DecodeConfiguration("in-process", "cpu()", run.origin().backend(),
                    "golden-cpu avx2", 1, 2), new RunEnvironment("cpu()", run.origin().backend(),
                    run.origin().modelSha256(), run.origin().fixturesSha256()), "commit", "2026-01-01"));
        }
        Path golden = dir.resolve("golden").resolve("goldens.csv");
        GoldenUpdate.apply(golden, fresh);
        Path out = dir.resolve("against.csv");

        CliRun r = CliRun.of("check-cells", "--job", job.toString(), "--cells", cells.toString(), "--against",
                cells.toString(), "--golden", golden.toString(), "--out", out.toString(), "--record-spread");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("2/2 outputs identical").contains("cross-configuration")
                .contains("0 prompts differ from the golden").contains("every cell agrees with its golden");
        for (CSVRecord c : csv(out)) {
            assertThat(c.get("passed")).as(c.get("quantity")).isEqualTo("true");
            assertThat(c.get("basis")).isEqualTo("cross-configuration");
            if (!c.get("difference").isEmpty()) {
                assertThat(Double.parseDouble(c.get("difference"))).as(c.get("quantity")).isZero();
                assertThat(c.get("identical_outputs")).isEqualTo("2");
            }
        }
        // What this run measured joins the configuration grid: a run-job configuration, nothing changed.
        ConfigurationSpread spread = ConfigurationSpread.readOrEmpty(ConfigurationSpread.besides(golden));
        assertThat(spread.rows()).isNotEmpty().allSatisfy(row -> {
            assertThat(row.configuration().runner()).isEqualTo("run-job");
            assertThat(row.changedPrompts()).isZero();
            assertThat(row.difference()).isZero();
        });
    }

    @Test
    void cellsThatDidNotFinishAreAnErrorNamingTheCell() {
        CliRun r = CliRun.of("check-cells", "--job", job.toString(), "--cells", dir.resolve("nowhere").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("a1-debsum-rtn-4-3-phase-aware-only did not finish");
    }
}
