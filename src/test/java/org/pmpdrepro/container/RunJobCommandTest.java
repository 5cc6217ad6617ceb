package org.pmpdrepro.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.cli.BrokenFixtures;
import org.pmpdrepro.cli.Main;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.suite.CellDecoder;
import org.pmpdrepro.suite.DecodedCell;
import org.pmpdrepro.suite.JobCells;
import org.pmpdrepro.suite.SuiteRegistry;
import org.pmpdrepro.suite.SuiteSettings;

/** {@code pmpd run-job} on the host, the same code path the container runs. */
@Tag("unit")
class RunJobCommandTest {

    record Result(int exitCode, String out, String err) {}

    static Result runJob(Path spec, Path out, String... options) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            List<String> args = new ArrayList<>(List.of("run-job", "--spec", spec.toString(), "--out",
                    out.toString()));
            args.addAll(List.of(options));
            int code = Main.run(args.toArray(String[]::new));
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void aPhaseAwareCellWritesItsFilesAndEqualsTheInProcessFixtureExecutor(@TempDir Path dir) throws Exception {
        JobCell cell = new JobCell("A1", Task.DEBSUM, "rtn", new BitWidthPair(4, 3), "phase-aware-only");
        JobSpec spec = JobSpec.of("host", List.of(cell)).withLimit(2).withDevice(DeviceChoice.CPU).withBatchSize(2);
        spec.write(dir.resolve(JobSpec.FILE_NAME));

        Result r = runJob(dir.resolve(JobSpec.FILE_NAME), dir.resolve("out"), "--executor", "fixture");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(JobExitCodes.OK);
        assertThat(r.out()).contains("cell 1/1 A1-debsum-rtn-4-3-phase-aware-only: 2 samples");
        CellRun fromFiles = CellFiles.read(dir.resolve("out"), cell);
        for (SampleOutput s : fromFiles.outputs().samples()) {
            // The prefill runs at the high width, every decode step at the low one.
            assertThat(s.trace()).first().isEqualTo("4bit");
            assertThat(s.trace().subList(1, s.trace().size())).containsOnly("3bit");
        }
        try (FixtureCellExecutor executor = FixtureCellExecutor.open(ModelBundle.DEFAULT_DIR,
                TaskFixtures.DEFAULT_DIR, DeviceChoice.CPU, 2)) {
            CellRun inProcess = executor.run(cell, 2);
            assertThat(fromFiles.outputs().samples()).isEqualTo(inProcess.outputs().samples());
            // The registry's RTN and Any-Precision serve 2, 3 and 4 bits; other pairs and schedulers are refused.
            assertThat(executor.unsupported(new JobCell("a1", Task.DEBSUM, "rtn", new BitWidthPair(8, 4),
                    "none-high"))).hasValueSatisfying(m -> assertThat(m).contains("pair 8>4 is outside the widths"
                    + " [2, 3, 4] the registry's rtn serves"));
            assertThat(executor.unsupported(new JobCell("a1", Task.DEBSUM, "gptq", new BitWidthPair(4, 3),
                    "none-high"))).hasValueSatisfying(m -> assertThat(m).contains("back-bone 'gptq' is not served"));
            assertThat(executor.unsupported(new JobCell("a1", Task.DEBSUM, "any-precision", new BitWidthPair(4, 3),
                    "static"))).hasValueSatisfying(m -> assertThat(m).contains("scheduler 'static' is not served"));
        }
    }

    /**
     * The default executor is the suite's decoder: a learned schedule on debchat (scored against full-precision
     * outputs), which the fixture executor cannot serve, comes back as the suite decodes it in process. The
     * back-bone is Any-Precision because schedules are fitted per back-bone and RTN has none.
     */
    @Test
    void theSuiteExecutorDecodesAnyWiredCellAsTheSuiteDoesInProcess(@TempDir Path dir) throws Exception {
        JobCell cell = new JobCell("a1", Task.DEBCHAT, "any-precision", new BitWidthPair(4, 3), "learned");
        JobSpec spec = JobSpec.of("suite", List.of(cell)).withLimit(2).withDevice(DeviceChoice.CPU).withBatchSize(2)
                .withIntraOpThreads(1);
        spec.write(dir.resolve(JobSpec.FILE_NAME));

        Result r = runJob(dir.resolve(JobSpec.FILE_NAME), dir.resolve("out"));

        assertThat(r.exitCode()).as(r.err()).isEqualTo(JobExitCodes.OK);
        CellRun fromFiles = CellFiles.read(dir.resolve("out"), cell);
        assertThat(fromFiles.references().label()).isEqualTo(References.FULL_PRECISION);
        try (CellDecoder decoder = new CellDecoder(SuiteRegistry.defaults(), new SuiteSettings(
                ModelBundle.DEFAULT_DIR, TaskFixtures.DEFAULT_DIR, DeviceChoice.CPU, 2, 2, 1))) {
            DecodedCell inProcess = decoder.decode(JobCells.cell(cell));
            assertThat(fromFiles.outputs().samples()).hasSize(2).isEqualTo(inProcess.outputs().samples());
            assertThat(fromFiles.outputs().plan()).isEqualTo(inProcess.outputs().plan());
            assertThat(fromFiles.references()).isEqualTo(inProcess.references());
            assertThat(fromFiles.accounting()).isEqualTo(new CellRun.Accounting(inProcess.bytesPerToken(),
                    inProcess.residentBytes(), false));
            assertThat(fromFiles.origin().modelSha256()).isEqualTo(decoder.environment().modelSha256());
        }
    }

    @Test
    void aMalformedSpecificationExitsWith64NamingTheField(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("bad.json");
        Files.writeString(spec, "{\"jobId\": \"j\", \"cells\": [{\"ablation\": \"A1\", \"task\": \"debsum\","
                + " \"backbone\": \"rtn\", \"pair\": \"3-4\", \"scheduler\": \"none-high\"}]}");
        Result r = runJob(spec, dir.resolve("out"));
        assertThat(r.exitCode()).isEqualTo(JobExitCodes.BAD_SPEC);
        assertThat(r.err()).contains("bad.json: cells[0].pair: ").contains("high > low");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aMalformedFixtureLineExitsWith65NamingFileAndLineWithoutAStackTrace(@TempDir Path dir) throws Exception {
        Path broken = BrokenFixtures.write(dir.resolve("fixtures"));
        JobSpec.of("j", List.of(new JobCell("A1", Task.DEBSUM, "rtn", new BitWidthPair(4, 3), "none-high")))
                .withLimit(1).withDevice(DeviceChoice.CPU).write(dir.resolve(JobSpec.FILE_NAME));
        Result r = runJob(dir.resolve(JobSpec.FILE_NAME), dir.resolve("out"), "--executor", "fixture", "--fixtures",
                dir.resolve("fixtures").toString());
        assertThat(r.exitCode()).isEqualTo(JobExitCodes.BAD_INPUT);
        assertThat(r.err()).contains("pmpd run-job: error: " + broken + ":2: not valid JSON")
                .doesNotContain("\tat ");
    }

    @Test
    void aMissingSpecificationFileExitsWith64(@TempDir Path dir) {
        Result r = runJob(dir.resolve("absent.json"), dir.resolve("out"));
        assertThat(r.exitCode()).isEqualTo(JobExitCodes.BAD_SPEC);
        assertThat(r.err()).contains("absent.json does not exist");
    }

    @Test
    void anUnknownExecutorExitsWith64NamingTheRegisteredOnes(@TempDir Path dir) throws Exception {
        JobSpec.of("j", List.of(new JobCell("a1", Task.DEBSUM, "rtn", new BitWidthPair(4, 3), "none-high")))
                .write(dir.resolve(JobSpec.FILE_NAME));
        Result r = runJob(dir.resolve(JobSpec.FILE_NAME), dir.resolve("out"), "--executor", "gpu");
        assertThat(r.exitCode()).isEqualTo(JobExitCodes.BAD_SPEC);
        assertThat(r.err()).contains("--executor 'gpu': expected one of [fixture, suite]");
    }

    @Test
    void aCellTheFixtureExecutorCannotServeExitsWith2BeforeAnyCellIsDecoded(@TempDir Path dir) throws Exception {
        JobCell fine = new JobCell("A1", Task.DEBSUM, "rtn", new BitWidthPair(4, 3), "none-high");
        JobCell learned = new JobCell("A1", Task.DEBSUM, "rtn", new BitWidthPair(4, 3), "learned");
        JobCell gptq = new JobCell("A2", Task.DEBSUM, "gptq", new BitWidthPair(4, 3), "none-high");
        JobSpec.of("unsupported", List.of(fine, learned, gptq)).withLimit(1).withDevice(DeviceChoice.CPU)
                .write(dir.resolve(JobSpec.FILE_NAME));
        Result r = runJob(dir.resolve(JobSpec.FILE_NAME), dir.resolve("out"), "--executor", "fixture");
        assertThat(r.exitCode()).isEqualTo(JobExitCodes.UNSUPPORTED);
        assertThat(r.err()).contains("scheduler 'learned' is not served")
                .contains("back-bone 'gptq' is not served").contains("[any-precision, rtn]");
        assertThat(dir.resolve("out").resolve(fine.id())).doesNotExist();
    }

    @Test
    void aCellTheSuiteDoesNotWireExitsWith2BeforeAnyCellIsDecoded(@TempDir Path dir) throws Exception {
        JobCell fine = new JobCell("a1", Task.DEBSUM, "rtn", new BitWidthPair(4, 3), "none-high");
        JobCell awq = new JobCell("a2", Task.DEBSUM, "awq", new BitWidthPair(4, 3), "static");
        JobCell a3 = new JobCell("a3", Task.DEBSUM, "rtn", new BitWidthPair(4, 3), "static");
        JobSpec.of("unwired", List.of(fine, awq, a3)).withLimit(1).withDevice(DeviceChoice.CPU)
                .write(dir.resolve(JobSpec.FILE_NAME));
        Result r = runJob(dir.resolve(JobSpec.FILE_NAME), dir.resolve("out"));
        assertThat(r.exitCode()).isEqualTo(JobExitCodes.UNSUPPORTED);
        assertThat(r.err()).contains("cell a2-debsum-awq-4-3-static: back-bone 'awq' is not wired")
                .contains("cell a3-debsum-rtn-4-3-static is no cell of the suite: unknown ablation 'a3'");
        assertThat(dir.resolve("out").resolve(fine.id())).doesNotExist();
    }
}
