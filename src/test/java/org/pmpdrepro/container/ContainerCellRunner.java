package org.pmpdrepro.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs a {@link JobSpec} as a one-shot container of the decoder image: the specification is copied in,
 * {@code pmpd run-job} runs it, the cells' {@link CellFiles} are copied back and read as {@link CellRun}s, exactly
 * what the in-process {@link JobCellExecutor} returns. The container uses host networking (it needs no network, and
 * engines without a bridge network can run it), is labelled {@value #LABEL}={@code <job id>}, and is removed
 * whatever happens: success, non-zero exit, timeout or an exception on the way.
 *
 * <p>The engine is the one Testcontainers finds ({@code DOCKER_HOST}, {@code ~/.testcontainers.properties}, the
 * local socket), so pointing {@code DOCKER_HOST} at a remote engine runs the job there; the image must exist on
 * that engine or be buildable there (see {@link DecoderImage}).
 */
public final class ContainerCellRunner {

    /** Label on every container this runner starts; its value is the job id. */
    public static final String LABEL = "org.pmpdrepro.job";

    /** Where the specification and the outputs live inside the container. */
    static final String SPEC = "/job/" + JobSpec.FILE_NAME;
    static final String OUT = "/job/out";
    static final List<String> COMMAND = List.of("run-job", "--spec", SPEC, "--out", OUT);

    /** The {@code run-job} executor containers use unless told otherwise: the suite's cell decoder. */
    static final String DEFAULT_EXECUTOR = "suite";

    /** How long a container may take to start (image present); its job's own time is {@code timeout}. */
    static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    /** Log lines kept for a failure message. */
    static final int LOG_TAIL_LINES = 40;

    private static final Logger LOG = LoggerFactory.getLogger(ContainerCellRunner.class);

    private final String image;
    private final Duration timeout;
    private final GpuPool gpus;
    private final List<String> command;

    /** Containers that run {@code run-job} with the suite's executor. */
    public ContainerCellRunner(String image, Duration timeout, GpuPool gpus) {
        this(image, timeout, gpus, DEFAULT_EXECUTOR);
    }

    /** Containers that run {@code run-job --executor executor}. */
    public ContainerCellRunner(String image, Duration timeout, GpuPool gpus, String executor) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout " + timeout + ": expected a positive duration");
        }
        this.image = image;
        this.timeout = timeout;
        this.gpus = gpus;
        List<String> c = new ArrayList<>(COMMAND);
        c.addAll(List.of("--executor", executor));
        this.command = List.copyOf(c);
    }

    /**
     * The image of {@link DecoderImage#fromSystemProperties()}, a timeout of {@code -Dpmpd.container.timeout}
     * (ISO-8601, default {@code PT30M}) per job, and the engine's GPUs.
     */
    public static ContainerCellRunner fromSystemProperties() {
        Duration timeout = Duration.parse(System.getProperty("pmpd.container.timeout", "PT30M"));
        return new ContainerCellRunner(DecoderImage.fromSystemProperties(), timeout, GpuPool.fromEngine());
    }

    public String image() {
        return image;
    }

    /** The same runner with containers that run {@code run-job --executor executor}. */
    public ContainerCellRunner withExecutor(String executor) {
        return new ContainerCellRunner(image, timeout, gpus, executor);
    }

    /**
     * Runs every cell of {@code spec} in one container and returns their runs in the specification's order; the
     * copied files stay under {@code hostOut/<cell id>/}.
     */
    public List<CellRun> run(JobSpec spec, Path hostOut) throws ContainerJobException, IOException,
            InterruptedException {
        runJob(spec.jobId(), spec.toJson(), spec.cells().stream().map(JobCell::id).toList(), hostOut);
        List<CellRun> runs = new ArrayList<>();
        for (JobCell cell : spec.cells()) {
            runs.add(CellFiles.read(hostOut, cell));
        }
        return runs;
    }

    /**
     * Runs {@code cells} as up to {@code shards} concurrent containers (one per GPU on a GPU engine) and returns
     * their runs in the order of {@code cells}. Cells of one back-bone and pair stay together, so that each
     * container quantizes a back-bone once; shard {@code i} is the job {@code <template id>-<i>}.
     */
    public List<CellRun> runSharded(JobSpec template, int shards, Path hostOut) throws ContainerJobException,
            IOException, InterruptedException {
        if (shards < 1) {
            throw new IllegalArgumentException("shards " + shards + ": expected at least 1");
        }
        List<JobCell> ordered = template.cells().stream()
                .sorted(Comparator.comparing((JobCell c) -> c.backbone()).thenComparing(c -> c.pair().toString()))
                .toList();
        int k = Math.min(shards, ordered.size());
        List<JobSpec> jobs = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            List<JobCell> part = ordered.subList(i * ordered.size() / k, (i + 1) * ordered.size() / k);
            jobs.add(template.withCells(template.jobId() + "-" + i, part));
        }
        Map<JobCell, CellRun> byCell = new HashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(k);
        try {
            List<Future<List<CellRun>>> futures = new ArrayList<>();
            for (JobSpec job : jobs) {
                futures.add(pool.submit(() -> run(job, hostOut)));
            }
            for (Future<List<CellRun>> f : futures) {
                try {
                    f.get().forEach(r -> byCell.put(r.cell(), r));
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case ContainerJobException c -> throw c;
                        case IOException io -> throw io;
                        case RuntimeException r -> throw r;
                        default -> throw new IllegalStateException(e.getCause());
                    }
                }
            }
        } finally {
            // Waits for the other shards, each of which removes its own container.
            pool.shutdown();
            pool.awaitTermination(timeout.toNanos() + START_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
        }
        return template.cells().stream().map(byCell::get).toList();
    }

    /** Concurrent containers this runner's engine supports well: one per GPU, else 1 on a CPU engine. */
    public int defaultShards() {
        return gpus.isEmpty() ? 1 : gpus.size();
    }

    /**
     * Runs the specification text {@code specJson} (which need not be valid: the container judges it) and copies
     * back the files of {@code cellIds}. Package-private so tests can send a malformed specification.
     */
    void runJob(String jobId, String specJson, List<String> cellIds, Path hostOut) throws ContainerJobException,
            IOException, InterruptedException {
        Optional<String> gpu = gpus.lease();
        long start = System.nanoTime();
        String containerId = null;
        try {
            try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))) {
                container.withNetworkMode("host")
                        .withLabel(LABEL, jobId)
                        .withCopyToContainer(Transferable.of(specJson), SPEC)
                        .withCommand(command.toArray(String[]::new))
                        .withStartupCheckStrategy(new StartedStartupCheck().withTimeout(START_TIMEOUT));
                gpu.ifPresent(id -> container.withCreateContainerCmdModifier(GpuPool.deviceRequest(id)));
                try {
                    container.start();
                } catch (RuntimeException e) {
                    containerId = container.getContainerId();
                    throw new ContainerJobException(jobId, image, command, OptionalInt.empty(), false,
                            "the container could not be started (" + e.getMessage() + ")", logTail(container), e);
                }
                containerId = container.getContainerId();
                int exit = awaitExit(container, jobId, start);
                if (exit != JobExitCodes.OK) {
                    throw new ContainerJobException(jobId, image, command, OptionalInt.of(exit), false, "container "
                            + shortId(containerId) + " exited" + oomNote(containerId), logTail(container), null);
                }
                for (String cell : cellIds) {
                    copyBack(container, cell, hostOut.resolve(cell));
                }
                LOG.info("job {} ran in container {} of {}{} in {} s", jobId, shortId(containerId), image,
                        gpu.map(id -> " on GPU " + id).orElse(""),
                        String.format("%.1f", (System.nanoTime() - start) / 1e9));
            }
        } finally {
            gpus.release(gpu);
            // close() has stopped (killed, if need be) and removed it; this matters only if the engine refused.
            if (containerId != null) {
                forceRemove(containerId);
            }
        }
    }

    /** done.json first: it lists the other files of the cell (references.jsonl is there only for some cells). */
    private static void copyBack(GenericContainer<?> container, String cell, Path dir) throws IOException {
        Files.createDirectories(dir);
        String from = OUT + "/" + cell + "/";
        container.copyFileFromContainer(from + CellFiles.DONE, dir.resolve(CellFiles.DONE).toString());
        for (String name : CellFiles.listed(dir.resolve(CellFiles.DONE))) {
            if (!name.equals(CellFiles.DONE)) {
                container.copyFileFromContainer(from + name, dir.resolve(name).toString());
            }
        }
    }

    /** The container's exit code; past the timeout, a timed-out failure (the caller's close() then kills it). */
    private int awaitExit(GenericContainer<?> container, String jobId, long startNanos)
            throws ContainerJobException {
        long left = timeout.toNanos() - (System.nanoTime() - startNanos);
        DockerClient docker = DockerClientFactory.instance().client();
        try (WaitContainerResultCallback callback = docker.waitContainerCmd(container.getContainerId())
                .exec(new WaitContainerResultCallback())) {
            return callback.awaitStatusCode(Math.max(1, left), TimeUnit.NANOSECONDS);
        } catch (DockerClientException e) {
            throw new ContainerJobException(jobId, image, command, OptionalInt.empty(), true, "container "
                    + shortId(container.getContainerId()) + " still ran after the timeout of " + timeout
                    + "; it was killed", logTail(container), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the wait on container " + container.getContainerId(), e);
        }
    }

    private static String oomNote(String containerId) {
        try {
            InspectContainerResponse.ContainerState state = DockerClientFactory.instance().client()
                    .inspectContainerCmd(containerId).exec().getState();
            return Boolean.TRUE.equals(state.getOOMKilled()) ? " (killed: out of memory)" : "";
        } catch (NotFoundException gone) {
            return "";
        }
    }

    private static List<String> logTail(GenericContainer<?> container) {
        if (container.getContainerId() == null) {
            return List.of();
        }
        try {
            List<String> lines = Arrays.asList(container.getLogs().split("\n"));
            return lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
        } catch (RuntimeException e) {
            return List.of("(logs unavailable: " + e.getMessage() + ")");
        }
    }

    /** Whether the engine still has any container of job {@code jobId}, running or not. */
    public static boolean leftBehind(String jobId) {
        return !DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(LABEL, jobId)).exec().isEmpty();
    }

    /** The job ids of every container this runner's label marks that the engine still has, running or not. */
    public static List<String> jobsLeftBehind() {
        return DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
                .withLabelFilter(List.of(LABEL)).exec().stream().map(c -> c.getLabels().get(LABEL)).toList();
    }

    private static String shortId(String id) {
        return id == null ? "(none)" : id.substring(0, Math.min(12, id.length()));
    }

    /** Removes a container that stop() left, should the engine have refused the first removal. */
    static void forceRemove(String id) {
        try {
            DockerClientFactory.instance().client().removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException alreadyGone) {
            // the normal case
        }
    }
}
