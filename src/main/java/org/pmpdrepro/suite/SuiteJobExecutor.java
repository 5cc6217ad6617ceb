package org.pmpdrepro.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.pmpdrepro.container.CellRun;
import org.pmpdrepro.container.JobCell;
import org.pmpdrepro.container.JobCellExecutor;
import org.pmpdrepro.container.JobCellExecutorFactory;
import org.pmpdrepro.container.JobSpec;
import org.pmpdrepro.container.UnsupportedCellException;

/**
 * Serves a container job's cells with the suite's own {@link CellDecoder}: every back-bone and scheduler of the
 * {@link SuiteRegistry}, decoded by the same code as in the test JVM, so the host can score what comes back
 * exactly as the in-process runner scores its own decodes. {@code run-job --executor suite}, the default.
 */
public final class SuiteJobExecutor implements JobCellExecutor {

    /** {@code run-job --executor suite}: the job's device, batch size, threads and prompt limit as suite settings. */
    public static final class Factory implements JobCellExecutorFactory {

        @Override
        public String name() {
            return "suite";
        }

        @Override
        public JobCellExecutor open(JobSpec job, Path modelDir, Path fixturesDir) {
            return new SuiteJobExecutor(SuiteRegistry.defaults(), new SuiteSettings(modelDir, fixturesDir,
                    job.device(), job.batchSize(), job.limit(), job.intraOpThreads()));
        }
    }

    private final SuiteRegistry registry;
    private final CellDecoder decoder;

    public SuiteJobExecutor(SuiteRegistry registry, SuiteSettings settings) {
        this.registry = registry;
        this.decoder = new CellDecoder(registry, settings);
    }

    @Override
    public Optional<String> unsupported(JobCell job) {
        Cell cell;
        try {
            cell = JobCells.cell(job);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        if (!registry.backbones().contains(cell.backbone())) {
            return Optional.of("cell " + job.id() + ": back-bone '" + cell.backbone() + "' is not wired in the"
                    + " suite's registry; expected one of " + registry.backbones());
        }
        if (!registry.schedulers().contains(cell.scheduler())) {
            return Optional.of("cell " + job.id() + ": scheduler '" + cell.scheduler() + "' is not wired in the"
                    + " suite's registry; expected one of " + registry.schedulers());
        }
        return Optional.empty();
    }

    /**
     * @throws IllegalArgumentException when {@code limit} is not the job's (the decoder was opened for that one)
     */
    @Override
    public CellRun run(JobCell job, int limit) throws IOException {
        Optional<String> why = unsupported(job);
        if (why.isPresent()) {
            throw new UnsupportedCellException(why.get());
        }
        if (limit != decoder.settings().samples()) {
            throw new IllegalArgumentException("cell " + job.id() + ": limit " + limit + ", but this executor was"
                    + " opened for a limit of " + decoder.settings().samples());
        }
        DecodedCell d = decoder.decode(JobCells.cell(job));
        RunEnvironment env = decoder.environment();
        return new CellRun(job, d.outputs(), d.buildSeconds(), d.references(),
                new CellRun.Accounting(d.bytesPerToken(), d.residentBytes(), d.shared()),
                new CellRun.Origin(env.backend(), env.modelSha256(), env.fixturesSha256()));
    }

    @Override
    public void close() {
        decoder.close();
    }
}
