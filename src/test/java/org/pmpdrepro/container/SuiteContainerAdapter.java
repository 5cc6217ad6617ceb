package org.pmpdrepro.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.suite.Cell;
import org.pmpdrepro.suite.CellOutcome;
import org.pmpdrepro.suite.CellRunner;
import org.pmpdrepro.suite.CellRunnerProvider;
import org.pmpdrepro.suite.CellRunners;
import org.pmpdrepro.suite.CellScoring;
import org.pmpdrepro.suite.DecodeConfiguration;
import org.pmpdrepro.suite.JobCells;
import org.pmpdrepro.suite.Phases;
import org.pmpdrepro.suite.RunEnvironment;
import org.pmpdrepro.suite.SuiteRegistry;
import org.pmpdrepro.suite.SuiteSettings;

/**
 * The suite's cell runner that decodes in decoder containers ({@code -Dpmpd.runner=container}), the one class that
 * knows both the suite and the container job protocol. The cells the session plans are sent together, as one job
 * sharded over the engine's GPUs ({@link ContainerCellRunner#runSharded}); the container decodes them with the
 * suite's own decoder ({@code run-job --executor suite}) under this run's settings (device, batch size, threads,
 * prompt limit), and each {@link CellRun} that comes back is scored here exactly as the in-process runner scores
 * its decodes ({@link CellScoring}). A failed job fails each of its cells with a {@link ContainerRunException}
 * carrying the exit code and the log tail, which the suite files as an infrastructure error.
 *
 * <p>Each numerical variant update mode measures (another batch size or thread count) runs as a job of its own: the
 * cells that have run so far, with that variant's numerics.
 */
public final class SuiteContainerAdapter implements CellRunner {

    /** Where the files of each job are copied back, under the working directory ({@code target/}). */
    public static final Path WORK = Path.of("target", "container-jobs");

    /** {@code -Dpmpd.runner=container}, registered in the test resources' {@code META-INF/services}. */
    public static final class Provider implements CellRunnerProvider {

        @Override
        public String name() {
            return CellRunners.CONTAINER;
        }

        /**
         * @throws IllegalArgumentException when the settings name another model or fixtures than the committed
         *     ones, which are what the decoder image carries
         */
        @Override
        public CellRunner open(SuiteRegistry registry, SuiteSettings settings) {
            requireBaked("pmpd.model.dir", settings.modelDir(), ModelBundle.DEFAULT_DIR);
            requireBaked("pmpd.fixtures.dir", settings.fixturesDir(), TaskFixtures.DEFAULT_DIR);
            return new SuiteContainerAdapter(new Containers(), registry, settings, WORK, CellScoring.defaults());
        }

        private static void requireBaked(String property, Path asked, Path baked) {
            if (!sameDirectory(asked, baked)) {
                throw new IllegalArgumentException("-D" + property + "=" + asked + ": the container runner decodes"
                        + " the committed " + baked + " baked into the decoder image; use -D" + CellRunners.PROPERTY
                        + "=" + CellRunners.IN_PROCESS + " for another directory");
            }
        }

        private static boolean sameDirectory(Path a, Path b) {
            try {
                return a.normalize().equals(b.normalize()) || Files.isSameFile(a, b);
            } catch (IOException e) {
                return false;
            }
        }
    }

    /**
     * Jobs in containers of {@link ContainerCellRunner#fromSystemProperties()}, sharded over the engine's GPUs. The
     * engine and the image are first needed by the first job, so that a missing engine or jar fails the cells (as
     * infrastructure errors) rather than the test class.
     */
    private static final class Containers implements Jobs {
        private ContainerCellRunner containers;

        @Override
        public synchronized List<CellRun> run(JobSpec spec, Path hostOut) throws ContainerJobException, IOException,
                InterruptedException {
            if (containers == null) {
                containers = ContainerCellRunner.fromSystemProperties();
            }
            return containers.runSharded(spec, containers.defaultShards(), hostOut);
        }
    }

    /** Runs one job and returns its cells' runs in the job's order: containers, or a fake in unit tests. */
    @FunctionalInterface
    public interface Jobs {
        List<CellRun> run(JobSpec spec, Path hostOut) throws ContainerJobException, IOException,
                InterruptedException;
    }

    /** The runs of one kind of job (main or variant) by cell, and the failures of its failed jobs. */
    private record Results(Map<Cell, CellRun> runs, Map<Cell, RuntimeException> failures) {
        Results() {
            this(new LinkedHashMap<>(), new HashMap<>());
        }

        boolean settled(Cell c) {
            return runs.containsKey(c) || failures.containsKey(c);
        }
    }

    private final Jobs jobs;
    private final SuiteRegistry registry;
    private final SuiteSettings settings;
    private final Path work;
    private final CellScoring scoring;
    private final Set<Cell> planned = new LinkedHashSet<>();
    private final Results main = new Results();
    private final Map<List<Integer>, Results> variants = new HashMap<>();
    private int jobCount;

    public SuiteContainerAdapter(Jobs jobs, SuiteRegistry registry, SuiteSettings settings, Path work,
            CellScoring scoring) {
        this.jobs = jobs;
        this.registry = registry;
        this.settings = settings;
        this.work = work;
        this.scoring = scoring;
    }

    @Override
    public synchronized void plan(List<Cell> cells) {
        planned.addAll(cells);
    }

    /**
     * The cell's outcome; the first call that finds its cell without a run sends every planned cell still
     * without one in one job.
     *
     * @throws org.pmpdrepro.suite.NotImplementedException when the registry does not wire the cell (checked here,
     *     so that one unwired cell does not fail a whole job)
     * @throws ContainerRunException when the cell's job failed
     */
    @Override
    public CellOutcome run(Cell cell) {
        requireWired(cell);
        return scoring.outcome(JobCells.decoded(cell, mainRun(cell)));
    }

    @Override
    public CellRunner.Variant runVariant(Cell cell, SuiteSettings.Numerics numerics) {
        requireWired(cell);
        CellOutcome outcome = scoring.rerunOutcome(JobCells.decoded(cell, variantRun(cell, numerics)));
        return new CellRunner.Variant(configuration().with(numerics.intraOpThreads() == 0
                ? Runtime.getRuntime().availableProcessors() : numerics.intraOpThreads(), numerics.batchSize()),
                outcome);
    }

    @Override
    public List<org.pmpdrepro.metrics.MetricResult> score(CellOutcome outcome, List<String> hypotheses) {
        return scoring.score(outcome, hypotheses);
    }

    /** The containers' back-end on this host's CPU, with this run's threads (0: one per core) and batch size. */
    @Override
    public DecodeConfiguration configuration() {
        RunEnvironment env = environment();
        int threads = settings.intraOpThreads() == 0 ? Runtime.getRuntime().availableProcessors()
                : settings.intraOpThreads();
        return new DecodeConfiguration(CellRunners.CONTAINER, env.device(), env.backend(),
                DecodeConfiguration.thisCpu(), threads, settings.batchSize());
    }

    /** The device and back-end of the containers' runs, and the model and fixtures they decoded. */
    @Override
    public synchronized RunEnvironment environment() {
        CellRun any = main.runs().values().stream().findFirst().orElseThrow(() -> new IllegalStateException(
                "no container job has run a cell yet, so there is no environment to record"));
        return new RunEnvironment(any.outputs().device(), any.origin().backend(), any.origin().modelSha256(),
                any.origin().fixturesSha256());
    }

    private void requireWired(Cell cell) {
        registry.backbone(cell.backbone());
        registry.scheduler(cell.scheduler());
    }

    private synchronized CellRun mainRun(Cell cell) {
        List<Cell> batch = new ArrayList<>(planned.stream().filter(c -> !main.settled(c) && wired(c)).toList());
        return run(cell, batch, settings.batchSize(), settings.intraOpThreads(), "", main);
    }

    private synchronized CellRun variantRun(Cell cell, SuiteSettings.Numerics numerics) {
        // Update mode asks for the variant of every cell that ran: those still without one go in one job.
        Results results = variants.computeIfAbsent(List.of(numerics.batchSize(), numerics.intraOpThreads()),
                k -> new Results());
        List<Cell> batch = new ArrayList<>(main.runs().keySet().stream().filter(c -> !results.settled(c))
                .toList());
        return run(cell, batch, numerics.batchSize(), numerics.intraOpThreads(), "-variant", results);
    }

    /**
     * The run of {@code cell} in {@code results}; when it has none, {@code batch} and {@code cell} run as one job
     * first. A failed job's error is kept for each of its cells and thrown again for them without a new job.
     */
    private CellRun run(Cell cell, List<Cell> batch, int batchSize, int threads, String suffix, Results results) {
        RuntimeException failure = results.failures().get(cell);
        if (failure != null) {
            throw failure;
        }
        CellRun run = results.runs().get(cell);
        if (run != null) {
            return run;
        }
        if (!batch.contains(cell)) {
            batch.add(cell);
        }
        String jobId = "suite-" + ProcessHandle.current().pid() + "-" + ++jobCount + suffix;
        JobSpec spec = JobSpec.of(jobId, batch.stream().map(JobCells::of).toList()).withLimit(settings.samples())
                .withDevice(settings.device()).withBatchSize(batchSize).withIntraOpThreads(threads);
        List<CellRun> done;
        try {
            done = job(jobId, spec, batch.size());
        } catch (ContainerJobException e) {
            throw failed(batch, results, new ContainerRunException(e.getMessage(), e));
        } catch (IOException e) {
            throw failed(batch, results, new UncheckedIOException("job " + jobId + ": cannot read its cells back"
                    + " from " + work.resolve(jobId) + ": " + e.getMessage(), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(batch, results, new ContainerRunException("job " + jobId + " was interrupted", e));
        } catch (RuntimeException e) {
            // The engine, the image or the copies failed: infrastructure, whatever the exception's type.
            throw failed(batch, results, new ContainerRunException("job " + jobId + " failed: " + e, e));
        }
        for (int i = 0; i < batch.size(); i++) {
            CellRun r = i < done.size() ? done.get(i) : null;
            if (r == null) {
                throw failed(batch, results, new ContainerRunException("job " + jobId + " returned no run for cell "
                        + JobCells.of(batch.get(i)).id(), null));
            }
            results.runs().put(batch.get(i), r);
        }
        return results.runs().get(cell);
    }

    /** A checked exception of a job, carried through the report phase that waits for it. */
    private static final class JobFailure extends RuntimeException {
        JobFailure(Exception cause) {
            super(cause);
        }
    }

    /** Runs the job as one report phase of the test that waits for it (its steps show the container's time). */
    private List<CellRun> job(String jobId, JobSpec spec, int cells) throws ContainerJobException, IOException,
            InterruptedException {
        try {
            return Phases.run("decode in a container: job " + jobId + ", " + cells + " cell(s)", () -> {
                try {
                    return jobs.run(spec, work.resolve(jobId));
                } catch (ContainerJobException | IOException | InterruptedException e) {
                    throw new JobFailure(e);
                }
            });
        } catch (JobFailure f) {
            switch (f.getCause()) {
                case ContainerJobException c -> throw c;
                case InterruptedException i -> throw i;
                case IOException i -> throw i;
                default -> throw f;
            }
        }
    }

    private static RuntimeException failed(List<Cell> cells, Results results, RuntimeException e) {
        cells.forEach(c -> results.failures().put(c, e));
        return e;
    }

    private boolean wired(Cell c) {
        return registry.backbones().contains(c.backbone()) && registry.schedulers().contains(c.scheduler());
    }
}
