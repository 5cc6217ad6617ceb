package org.pmpdrepro.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.metrics.PairedBootstrap;
import org.pmpdrepro.quant.Backbone;
import org.pmpdrepro.report.FailureCategory;
import org.pmpdrepro.suite.Ablation;
import org.pmpdrepro.suite.Cell;
import org.pmpdrepro.suite.CellOutcome;
import org.pmpdrepro.suite.CellRunner;
import org.pmpdrepro.suite.CellRunnerProvider;
import org.pmpdrepro.suite.CellRunners;
import org.pmpdrepro.suite.CellSelection;
import org.pmpdrepro.suite.ConfigurationGrid;
import org.pmpdrepro.suite.FixtureCellRunner;
import org.pmpdrepro.suite.GoldenFile;
import org.pmpdrepro.suite.Grid;
import org.pmpdrepro.suite.SuiteListener;
import org.pmpdrepro.suite.SuiteRegistry;
import org.pmpdrepro.suite.SuiteSession;
import org.pmpdrepro.suite.SuiteSettings;

/**
 * The suite's container runner ({@code -Dpmpd.runner=container}) against a real Docker engine, on cells the old
 * fixture executor could not serve: Any-Precision with its Fisher sensitivities under PMPD's committed static
 * schedule (A1), and GPTQ (A2), both quantized inside the container. Needs the engine and base image of
 * {@code .ci/docker-up} (without them skipped, or failed with {@code CI} set: {@link DockerEngineExtension}); runs
 * after {@code package}, by Failsafe.
 */
@Tag("container")
@ExtendWith(DockerEngineExtension.class)
class SuiteContainerRunnerIT {

    /** The in-process runner's defaults on the CPU, with the first 8 prompts of each task to keep this short. */
    static final SuiteSettings SETTINGS = new SuiteSettings(ModelBundle.DEFAULT_DIR, TaskFixtures.DEFAULT_DIR,
            DeviceChoice.CPU, TaskRun.DEFAULT_BATCH_SIZE, 8, 1);

    static final Cell A1 = new Cell(Ablation.REMOVE_PRECISION_SWITCHING, Task.DEBSUM, "any-precision",
            new BitWidthPair(3, 2), "static");
    static final Cell A2 = new Cell(Ablation.REPLACE_PTQ_METHOD, Task.DEBTRANS, "gptq", new BitWidthPair(4, 3),
            "none-high");

    static final String OUR_JOBS = "suite-" + ProcessHandle.current().pid() + "-";

    @Test
    void theContainerRunnerGivesTheInProcessRunnersOutcomesForACellOfEachAblation() {
        long start = System.nanoTime();
        CellOutcome[] contained = new CellOutcome[2];
        try (CellRunner container = CellRunners.open(CellRunners.CONTAINER, SuiteRegistry.defaults(), SETTINGS,
                ServiceLoader.load(CellRunnerProvider.class))) {
            container.plan(List.of(A1, A2));
            contained[0] = container.run(A1);
            contained[1] = container.run(A2);
            System.out.printf(Locale.ROOT, "2 cells through the container runner (image, one job, host scoring)"
                    + " in %.1f s; environment %s%n", (System.nanoTime() - start) / 1e9, container.environment());
            start = System.nanoTime();
            try (FixtureCellRunner inProcess = new FixtureCellRunner(SuiteRegistry.defaults(), SETTINGS)) {
                CellOutcome[] local = {inProcess.run(A1), inProcess.run(A2)};
                System.out.printf(Locale.ROOT, "the same 2 cells in process in %.1f s%n",
                        (System.nanoTime() - start) / 1e9);
                for (int i = 0; i < 2; i++) {
                    assertSameOutcome(contained[i], local[i]);
                }
                assertThat(container.environment()).isEqualTo(inProcess.environment());
            }
        }
        assertThat(ContainerCellRunner.jobsLeftBehind()).noneMatch(id -> id.startsWith(OUR_JOBS));
    }

    /** Everything but the timings: outputs token for token, traces, references, accounting and every score. */
    static void assertSameOutcome(CellOutcome contained, CellOutcome local) {
        String cell = local.cell().displayName();
        assertThat(contained.cell()).isEqualTo(local.cell());
        assertThat(contained.samples()).as(cell + ": outputs, tokens and precision traces").hasSize(8)
                .isEqualTo(local.samples());
        assertThat(contained.samples()).as(cell + ": the plan switches precision or stays high")
                .allSatisfy(s -> assertThat(s.trace()).isNotEmpty());
        assertThat(contained.plan()).as(cell).isEqualTo(local.plan());
        assertThat(contained.device()).as(cell).isEqualTo(local.device());
        assertThat(contained.referencesLabel()).as(cell).isEqualTo(local.referencesLabel());
        assertThat(contained.references()).as(cell).isEqualTo(local.references());
        assertThat(contained.averageBits()).as(cell).isEqualTo(local.averageBits());
        assertThat(contained.bytesPerToken()).as(cell).isEqualTo(local.bytesPerToken()).isPositive();
        assertThat(contained.residentBytes()).as(cell).isEqualTo(local.residentBytes()).isPositive();
        assertThat(contained.values()).as(cell).isEqualTo(local.values());
        assertThat(contained.metrics()).as(cell + ": per-sample scores").isEqualTo(local.metrics());
    }

    /**
     * A host that wires a back-bone the image does not (an image built from older code, say): the container
     * refuses the cell with exit code 2, and the suite files the cell as an infrastructure error carrying the exit
     * code and the container's log tail.
     */
    @Test
    void aCellTheImageCannotRunFailsInTheSuiteAsAnInfrastructureErrorWithExitCodeAndLogTail(@TempDir Path dir)
            throws Exception {
        SuiteRegistry newer = SuiteRegistry.defaults().withBackbone(Backbone.of("awq", inputs -> {
            throw new UnsupportedOperationException("decoded in the container only");
        }));
        Cell awq = new Cell(Ablation.REPLACE_PTQ_METHOD, Task.DEBSUM, "awq", new BitWidthPair(4, 3), "static");
        CellRunner runner = new SuiteContainerAdapter.Provider().open(newer, SETTINGS);
        Path goldens = GoldenFile.empty(dir.resolve("goldens.csv")).write().file();
        SuiteSession session = new SuiteSession(new SuiteSession.Config(Grid.read(Grid.DEFAULT_FILE),
                CellSelection.all(), goldens, false, dir.resolve("findings"), PairedBootstrap.Config.defaults(),
                List.of(), ConfigurationGrid.none(), false), runner, SuiteListener.NONE);

        assertThatThrownBy(() -> session.verify(awq))
                .satisfies(e -> assertThat(FailureCategory.of(e.getMessage())).contains(FailureCategory.INFRASTRUCTURE))
                .hasMessageContaining(ContainerJobException.PREFIX)
                .hasMessageContaining("exit code " + JobExitCodes.UNSUPPORTED)
                .hasMessageContaining("pmpd run-job: error: cell a2-debsum-awq-4-3-static: back-bone 'awq' is not"
                        + " wired in the suite's registry")
                .cause().isInstanceOfSatisfying(ContainerRunException.class, e -> {
                    assertThat(e.job()).hasValueSatisfying(job -> assertThat(job.exitCode())
                            .hasValue(JobExitCodes.UNSUPPORTED));
                    assertThat(e.logTail()).anySatisfy(line -> assertThat(line).contains("back-bone 'awq'"));
                });
        assertThat(ContainerCellRunner.jobsLeftBehind()).noneMatch(id -> id.startsWith(OUR_JOBS));
    }
}
