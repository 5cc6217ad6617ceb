package org.pmpdrepro.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * Opens a {@link JobCellExecutor} for a job; {@code run-job --executor NAME} picks one by {@link #name()}. Found
 * through {@link ServiceLoader} ({@code META-INF/services/org.pmpdrepro.container.JobCellExecutorFactory}), so
 * that an executor serving the ablation suite's cells can live with the suite while this package stays independent
 * of it.
 */
public interface JobCellExecutorFactory {

    /** What {@code --executor} calls it. */
    String name();

    /**
     * An executor for the cells of {@code job}, decoding on its device with its batch size, thread count and prompt
     * limit, with the model in {@code modelDir} and the task fixtures in {@code fixturesDir}.
     */
    JobCellExecutor open(JobSpec job, Path modelDir, Path fixturesDir) throws IOException;

    /** The registered factories by name, in name order. */
    static Map<String, JobCellExecutorFactory> available() {
        Map<String, JobCellExecutorFactory> byName = new TreeMap<>();
        for (JobCellExecutorFactory f : ServiceLoader.load(JobCellExecutorFactory.class)) {
            JobCellExecutorFactory clash = byName.putIfAbsent(f.name(), f);
            if (clash != null && clash.getClass() != f.getClass()) {
                throw new IllegalStateException("two job executors are called '" + f.name() + "': "
                        + clash.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return byName;
    }
}
