package org.pmpdrepro.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.BitWidthPair;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.ModelBundle;

/**
 * The container runner against a real Docker engine (run after {@code package}, by Failsafe). Without an engine
 * these tests are skipped, or fail with {@code CI} set, as an infrastructure error saying why
 * ({@link DockerEngineExtension}).
 */
@Tag("container")
@ExtendWith(DockerEngineExtension.class)
class ContainerCellRunnerIT {

    @Test
    void containerOutputsAreTokenIdenticalToTheInProcessExecutorForACellOfEachAblation(ContainerCellRunner runner,
            @TempDir Path dir) throws Exception {
        // Listed against the shards' back-bone order, so the runner must put the results back in this order.
        List<JobCell> cells = List.of(
                new JobCell("A2", Task.DEBSUM, "rtn", new BitWidthPair(4, 3), "none-low"),
                new JobCell("A1", Task.DEBSUM, "any-precision", new BitWidthPair(3, 2), "phase-aware-only"));
        JobSpec spec = JobSpec.of("identity", cells).withLimit(8).withDevice(DeviceChoice.CPU);

        long start = System.nanoTime();
        // The executor FixtureCellExecutor on the host is compared with; the suite's own is SuiteContainerRunnerIT's.
        List<CellRun> inContainer = runner.withExecutor("fixture").runSharded(spec, 2, dir);
        System.out.printf(Locale.ROOT, "%d cells in 2 concurrent containers in %.1f s%n", cells.size(),
                (System.nanoTime() - start) / 1e9);
        assertThat(ContainerCellRunner.leftBehind("identity-0")).isFalse();
        assertThat(ContainerCellRunner.leftBehind("identity-1")).isFalse();

        try (FixtureCellExecutor host = FixtureCellExecutor.open(ModelBundle.DEFAULT_DIR, TaskFixtures.DEFAULT_DIR,
                spec.device(), spec.batchSize())) {
            for (int i = 0; i < cells.size(); i++) {
                CellRun onHost = host.run(cells.get(i), spec.limit());
                CellRun contained = inContainer.get(i);
                assertThat(contained.cell()).isEqualTo(cells.get(i));
                assertThat(contained.outputs().samples()).as(cells.get(i).id()).hasSize(8)
                        .isEqualTo(onHost.outputs().samples());
                assertThat(contained.outputs().averageBits()).isEqualTo(onHost.outputs().averageBits());
                assertThat(contained.outputs().generatedTokens()).isEqualTo(onHost.outputs().generatedTokens());
            }
        }
    }

    @Test
    void aMalformedSpecificationFailsWithExitCode64AndTheLogTailAndLeavesNoContainer(ContainerCellRunner runner,
            @TempDir Path dir) {
        String spec = "{\"jobId\": \"bad-spec\", \"cells\": [{\"ablation\": \"A1\", \"task\": \"debsum\","
                + " \"backbone\": \"rtn\", \"pair\": \"2-3\", \"scheduler\": \"none-high\"}]}";
        assertThatThrownBy(() -> runner.runJob("bad-spec", spec, List.of(), dir))
                .isInstanceOfSatisfying(ContainerJobException.class, e -> {
                    assertThat(e.exitCode()).hasValue(JobExitCodes.BAD_SPEC);
                    assertThat(e.timedOut()).isFalse();
                    assertThat(e.logTail()).anySatisfy(line -> assertThat(line).contains("cells[0].pair"));
                })
                .hasMessageStartingWith(ContainerJobException.PREFIX)
                .hasMessageContaining("exit code 64")
                .hasMessageContaining("pmpd run-job: error: /job/job.json: cells[0].pair: ");
        assertThat(ContainerCellRunner.leftBehind("bad-spec")).as("containers of job bad-spec").isFalse();
    }

    @Test
    void aJobPastItsTimeoutIsKilledAndRemoved(ContainerCellRunner runner, @TempDir Path dir) {
        ContainerCellRunner impatient = new ContainerCellRunner(runner.image(), Duration.ofSeconds(3),
                GpuPool.none());
        JobSpec everything = JobSpec.of("timeout", List.of(
                new JobCell("A1", Task.DEBTRANS, "rtn", new BitWidthPair(4, 3), "none-high")));
        assertThatThrownBy(() -> impatient.run(everything, dir))
                .isInstanceOfSatisfying(ContainerJobException.class, e -> {
                    assertThat(e.timedOut()).isTrue();
                    assertThat(e.exitCode()).isEmpty();
                })
                .hasMessageContaining("still ran after the timeout of PT3S");
        assertThat(ContainerCellRunner.leftBehind("timeout")).as("containers of job timeout").isFalse();
    }
}
