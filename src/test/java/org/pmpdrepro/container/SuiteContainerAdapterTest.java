package org.pmpdrepro.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.eval.TaskScorer;
import org.pmpdrepro.metrics.PairedBootstrap;
import org.pmpdrepro.report.FailureCategory;
import org.pmpdrepro.suite.Ablation;
import org.pmpdrepro.suite.Cell;
import org.pmpdrepro.suite.CellOutcome;
import org.pmpdrepro.suite.CellRunner;
import org.pmpdrepro.suite.CellRunnerProvider;
import org.pmpdrepro.suite.CellRunners;
import org.pmpdrepro.suite.CellScoring;
import org.pmpdrepro.suite.CellSelection;
import org.pmpdrepro.suite.ConfigurationGrid;
import org.pmpdrepro.suite.GoldenFile;
import org.pmpdrepro.suite.Grid;
import org.pmpdrepro.suite.JobCells;
import org.pmpdrepro.suite.NotImplementedException;
import org.pmpdrepro.suite.RunEnvironment;
import org.pmpdrepro.suite.SuiteListener;
import org.pmpdrepro.suite.SuiteRegistry;
import org.pmpdrepro.suite.SuiteSession;
import org.pmpdrepro.suite.SuiteSettings;

/** The container runner's batching, conversion and failure handling, on fake jobs: no Docker. */
@Tag("unit")
class SuiteContainerAdapterTest {

    static final TaskScorer NO_BERT = new TaskScorer(TaskScorer.Config.defaults().withBertScore(false));
    static final SuiteSettings SETTINGS = new SuiteSettings(Path.of("fixtures", "model"), Path.of("fixtures", "tasks"),
            DeviceChoice.CPU, 4, 3, 1);
    static final CellRun.Origin ORIGIN = new CellRun.Origin("djl-pytorch 2.7.1", "model-sha", "fixtures-sha");

    static Cell a1(String scheduler) {
        return new Cell(Ablation.REMOVE_PRECISION_SWITCHING, Task.DEBSUM, "any-precision", new BitWidthPair(3, 2),
                scheduler);
    }

    static final Cell STATIC = a1("static");
    static final Cell HIGH = a1("none-high");
    static final Cell UNWIRED = new Cell(Ablation.REPLACE_PTQ_METHOD, Task.DEBSUM, "awq", new BitWidthPair(3, 2),
            "static");

    /** Jobs answered without containers: each cell's outputs name its scheduler; every spec is kept. */
    static final class FakeJobs implements SuiteContainerAdapter.Jobs {
        final List<JobSpec> specs = new ArrayList<>();
        ContainerJobException failure;
        RuntimeException crash;

        @Override
        public List<CellRun> run(JobSpec spec, Path hostOut) throws ContainerJobException {
            specs.add(spec);
            if (failure != null) {
                throw failure;
            }
            if (crash != null) {
                throw crash;
            }
            return spec.cells().stream().map(FakeJobs::run).toList();
        }

        static CellRun run(JobCell cell) {
            List<SampleOutput> samples = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String ref = "a tool that manages package number " + i;
                String out = i == 0 ? ref : cell.scheduler() + " words " + i;
                samples.add(new SampleOutput("debsum/" + i, "prompt " + i, ref, out, out + "\nmore",
                        List.of(7, 8, 9), List.of("3bit", "2bit", "2bit"), true));
            }
            TaskOutputs o = new TaskOutputs(cell.task(), samples, "plan of " + cell.scheduler(), 4, "cpu()", 9, 0.75,
                    12, 2.0);
            return new CellRun(cell, o, 5.5, References.dataset(o), new CellRun.Accounting(640, 2048, false), ORIGIN);
        }
    }

    static SuiteContainerAdapter adapter(FakeJobs jobs, Path work) {
        return new SuiteContainerAdapter(jobs, SuiteRegistry.defaults(), SETTINGS, work, new CellScoring(NO_BERT));
    }

    @Test
    void theFirstRunSendsEveryPlannedWiredCellAsOneJobWithTheSuiteSettings(@TempDir Path work) {
        FakeJobs jobs = new FakeJobs();
        SuiteContainerAdapter runner = adapter(jobs, work);
        runner.plan(List.of(STATIC, UNWIRED, HIGH));

        runner.run(HIGH);
        runner.run(STATIC);
        runner.run(HIGH);

        assertThat(jobs.specs).hasSize(1);
        JobSpec spec = jobs.specs.get(0);
        assertThat(spec.cells()).containsExactly(JobCells.of(STATIC), JobCells.of(HIGH));
        assertThat(spec).isEqualTo(JobSpec.of(spec.jobId(), spec.cells()).withLimit(3).withDevice(DeviceChoice.CPU)
                .withBatchSize(4).withIntraOpThreads(1));
        assertThatThrownBy(() -> runner.run(UNWIRED)).isInstanceOf(NotImplementedException.class);
        assertThat(jobs.specs).as("an unwired cell sends no job").hasSize(1);
    }

    @Test
    void aCellThatWasNotPlannedRunsInAJobOfItsOwn(@TempDir Path work) {
        FakeJobs jobs = new FakeJobs();
        SuiteContainerAdapter runner = adapter(jobs, work);
        runner.run(STATIC);
        assertThat(jobs.specs).singleElement().satisfies(s -> assertThat(s.cells())
                .containsExactly(JobCells.of(STATIC)));
    }

    @Test
    void aContainersRunIsScoredOnTheHostAgainstItsReferencesWithItsAccounting(@TempDir Path work) {
        SuiteContainerAdapter runner = adapter(new FakeJobs(), work);
        CellRun run = FakeJobs.run(JobCells.of(STATIC));

        CellOutcome o = runner.run(STATIC);

        assertThat(o.cell()).isEqualTo(STATIC);
        assertThat(o.plan()).isEqualTo("plan of static");
        assertThat(o.device()).isEqualTo("cpu()");
        assertThat(o.samples()).isEqualTo(run.outputs().samples());
        assertThat(o.referencesLabel()).isEqualTo(References.DATASET);
        assertThat(o.references()).isEqualTo(run.outputs().references());
        assertThat(o.averageBits()).isEqualTo(2.0);
        assertThat(o.bytesPerToken()).isEqualTo(640);
        assertThat(o.residentBytes()).isEqualTo(2048);
        assertThat(o.metrics()).isEqualTo(NO_BERT.score(run.outputs(), run.references()).results());
        assertThat(o.timings()).isEqualTo(new CellOutcome.Timings(5.5, 0.75, o.timings().scoreSeconds(), false));
        assertThat(runner.environment()).isEqualTo(new RunEnvironment("cpu()", "djl-pytorch 2.7.1", "model-sha",
                "fixtures-sha"));
    }

    @Test
    void aVariantRunsAsOneSecondJobOfTheCellsThatRanWithItsBatchSize(@TempDir Path work) throws Exception {
        FakeJobs jobs = new FakeJobs();
        SuiteContainerAdapter runner = adapter(jobs, work);
        runner.plan(List.of(STATIC, HIGH));
        runner.run(STATIC);

        SuiteSettings.Numerics batch3 = new SuiteSettings.Numerics("threads 1, batch 3", 3, 1);
        CellRunner.Variant v = runner.runVariant(HIGH, batch3);
        runner.runVariant(STATIC, batch3);

        assertThat(v.configuration().batchSize()).isEqualTo(3);
        assertThat(v.configuration().runner()).isEqualTo(CellRunners.CONTAINER);
        assertThat(jobs.specs).hasSize(2);
        assertThat(jobs.specs.get(1).cells()).containsExactlyInAnyOrder(JobCells.of(STATIC), JobCells.of(HIGH));
        assertThat(jobs.specs.get(1).batchSize()).isEqualTo(3);
        assertThat(jobs.specs.get(1).jobId()).endsWith("-variant");
        assertThat(v.outcome().timings().decodeShared()).isFalse();
    }

    @Test
    void aFailedJobFailsEachOfItsCellsOnceWithExitCodeAndLogTailAsAnInfrastructureError(@TempDir Path work)
            throws Exception {
        FakeJobs jobs = new FakeJobs();
        jobs.failure = new ContainerJobException("suite-1", "pmpd-decoder:abc", List.of("run-job"), OptionalInt.of(1),
                false, "container 0123 exited", List.of("decoding a1-debsum ...", "IllegalStateException: boom"),
                null);
        SuiteContainerAdapter runner = adapter(jobs, work);
        runner.plan(List.of(STATIC, HIGH));

        assertThatThrownBy(() -> runner.run(STATIC)).isInstanceOfSatisfying(ContainerRunException.class, e -> {
            assertThat(e.job()).contains(jobs.failure);
            assertThat(e.logTail()).contains("IllegalStateException: boom");
        }).hasMessageContaining("exit code 1").hasMessageContaining("IllegalStateException: boom");

        Path goldens = GoldenFile.empty(work.resolve("goldens.csv")).write().file();
        SuiteSession session = new SuiteSession(new SuiteSession.Config(Grid.read(Grid.DEFAULT_FILE),
                CellSelection.all(), goldens, false, work.resolve("findings"), PairedBootstrap.Config.defaults(),
                List.of(), ConfigurationGrid.none(), false), runner, SuiteListener.NONE);
        assertThatThrownBy(() -> session.verify(HIGH))
                .satisfies(e -> assertThat(FailureCategory.of(e.getMessage())).contains(FailureCategory.INFRASTRUCTURE))
                .hasMessageContaining(ContainerJobException.PREFIX).hasMessageContaining("exit code 1")
                .hasMessageContaining("IllegalStateException: boom");
        assertThat(jobs.specs).as("the failed job is not sent again for its other cell").hasSize(1);
    }

    @Test
    void anEngineOrImageThatCannotBeHadFailsTheCellsAsInfrastructureNotTheTestClass(@TempDir Path work) {
        FakeJobs jobs = new FakeJobs();
        jobs.crash = new IllegalStateException("target/pmpd-repro.jar does not exist; the container runner needs the"
                + " packaged jar");
        SuiteContainerAdapter runner = adapter(jobs, work);
        assertThatThrownBy(() -> runner.run(STATIC)).isInstanceOf(ContainerRunException.class)
                .hasMessageContaining("target/pmpd-repro.jar does not exist");
    }

    @Test
    void theContainerRunnerIsRegisteredUnderItsName() {
        assertThat(ServiceLoader.load(CellRunnerProvider.class).stream().map(p -> p.get().name()))
                .contains(CellRunners.CONTAINER);
    }

    @Test
    void theContainerRunnerRefusesAModelTheImageDoesNotCarry() {
        SuiteSettings other = new SuiteSettings(Path.of("models", "vicuna-7b"), SETTINGS.fixturesDir(),
                DeviceChoice.GPU, 32, 0, 1);
        assertThatThrownBy(() -> new SuiteContainerAdapter.Provider().open(SuiteRegistry.defaults(), other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Dpmpd.model.dir=models/vicuna-7b")
                .hasMessageContaining("-Dpmpd.runner=in-process");
    }
}
