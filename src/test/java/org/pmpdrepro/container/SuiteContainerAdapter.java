package org.pmpdrepro.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.DeviceChoice;

/**
 * The one class that is to know both the ablation suite ({@code org.pmpdrepro.suite}) and the container job
 * protocol; nothing else in this package may depend on the suite. Finishing it (issue 7) means: implement the
 * suite's cell runner here, turning the suite's cell into a {@link JobCell} with {@link #jobCell} and each
 * {@link CellRun} back into the suite's result (its {@code outputs()} are the {@code TaskOutputs} the in-process
 * runner produces); a {@link ContainerJobException} is an infrastructure failure, and its {@code logTail()} is
 * what to attach to the report.
 *
 * <p>The runner is chosen with {@code -Dpmpd.runner=in-process|container} (default in-process).
 */
public final class SuiteContainerAdapter {

    public static final String RUNNER_PROPERTY = "pmpd.runner";

    /** Where the suite's cells run. */
    public enum Runner {
        IN_PROCESS,
        CONTAINER;

        /** {@code -Dpmpd.runner}, naming the accepted values when it is something else. */
        public static Runner selected() {
            String value = System.getProperty(RUNNER_PROPERTY, "in-process").strip();
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "in-process" -> IN_PROCESS;
                case "container" -> CONTAINER;
                default -> throw new IllegalArgumentException("-D" + RUNNER_PROPERTY + "=" + value
                        + ": expected in-process or container");
            };
        }
    }

    private final ContainerCellRunner runner;
    private final Path work;

    public SuiteContainerAdapter(ContainerCellRunner runner, Path work) {
        this.runner = runner;
        this.work = work;
    }

    /** The runner of {@link ContainerCellRunner#fromSystemProperties()}, copying files under {@code work}. */
    public static SuiteContainerAdapter fromSystemProperties(Path work) {
        return new SuiteContainerAdapter(ContainerCellRunner.fromSystemProperties(), work);
    }

    /** A suite cell's fields as the job protocol carries them; a bad value is an error naming the field. */
    public static JobCell jobCell(String ablation, String task, String backbone, String pair, String scheduler) {
        Task t;
        PrecisionPair p;
        try {
            t = Task.fromId(task);
            p = PrecisionPair.parse(pair);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("suite cell " + String.join("/", ablation, task, backbone, pair,
                    scheduler) + ": " + e.getMessage(), e);
        }
        return new JobCell(ablation, t, backbone, p, scheduler);
    }

    /**
     * Runs {@code cells} in containers, as many at once as the engine has GPUs (one on a CPU engine), and returns
     * their runs in the order given.
     */
    public List<CellRun> run(String jobId, List<JobCell> cells, int limit, DeviceChoice device, int batchSize)
            throws ContainerJobException, IOException, InterruptedException {
        JobSpec spec = JobSpec.of(jobId, cells).withLimit(limit).withDevice(device).withBatchSize(batchSize);
        return runner.runSharded(spec, runner.defaultShards(), work.resolve(jobId));
    }
}
