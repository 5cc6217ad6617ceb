package org.pmpdrepro.container;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.decode.PrecisionPlan;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.quant.Backbone;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.pmpdrepro.quant.anyprec.AnyPrecisionQuantizer;
import org.pmpdrepro.quant.methods.Backbones;
import org.pmpdrepro.quant.rtn.RtnQuantizer;

/**
 * The cells that need nothing beyond a back-bone and a fixed precision plan: back-bones {@code rtn} and
 * {@code any-precision}, schedulers {@code none-high}, {@code none-low} and {@code phase-aware-only}, decoded on
 * the test split of the committed task fixtures with a model directory (the fixture model by default).
 *
 * <p>The back-bones are the registry's ({@link Backbones#named}), built as the suite builds them: RTN at equal bytes
 * for 2, 3 and 4 bits, Any-Precision from the committed Fisher sensitivities, through the quantization store; a
 * pair's widths map to precisions as the back-bone says. The suite's own executor ({@code run-job --executor suite},
 * the default) serves every cell the suite wires, fitted schedules included. Quantized back-bones are kept for the
 * later cells of a job. Memory is not accounted ({@link CellRun.Accounting#UNKNOWN}).
 */
public final class FixtureCellExecutor implements JobCellExecutor {

    /** The back-bones this executor quantizes. */
    public static final Set<String> BACKBONES = Set.of("any-precision", "rtn");

    /** The schedulers this executor turns into precision plans. */
    public static final Set<String> SCHEDULERS = Set.of("none-high", "none-low", "phase-aware-only");

    private final ModelBundle bundle;
    private final Path fixturesDir;
    private final int batchSize;
    private final Map<String, Built> backbones = new HashMap<>();
    private CellRun.Origin origin;

    /** A back-bone of the registry, its quantized model, and the decoder over it. */
    private record Built(Backbone backbone, QuantizedModel model, DjlLlama decoder) {}

    /** {@code run-job --executor fixture}. */
    public static final class Factory implements JobCellExecutorFactory {

        @Override
        public String name() {
            return "fixture";
        }

        @Override
        public JobCellExecutor open(JobSpec job, Path modelDir, Path fixturesDir) throws IOException {
            if (job.intraOpThreads() > 0) {
                Engine.getInstance(); // loads the native library before JNI is called
                JniUtils.setNumThreads(job.intraOpThreads());
            }
            return FixtureCellExecutor.open(modelDir, fixturesDir, job.device(), job.batchSize());
        }
    }

    private FixtureCellExecutor(ModelBundle bundle, Path fixturesDir, int batchSize) {
        this.bundle = bundle;
        this.fixturesDir = fixturesDir;
        this.batchSize = batchSize;
    }

    /** Opens the model in {@code modelDir} on {@code device}; cells decode {@code batchSize} prompts together. */
    public static FixtureCellExecutor open(Path modelDir, Path fixturesDir, DeviceChoice device, int batchSize)
            throws IOException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + ": expected at least 1");
        }
        return new FixtureCellExecutor(ModelBundle.open(modelDir, device), fixturesDir, batchSize);
    }

    @Override
    public Optional<String> unsupported(JobCell cell) {
        if (!BACKBONES.contains(cell.backbone())) {
            return Optional.of("cell " + cell.id() + ": back-bone '" + cell.backbone() + "' is not served by "
                    + getClass().getSimpleName() + "; expected one of " + new TreeSet<>(BACKBONES));
        }
        if (!SCHEDULERS.contains(cell.scheduler())) {
            return Optional.of("cell " + cell.id() + ": scheduler '" + cell.scheduler() + "' is not served by "
                    + getClass().getSimpleName() + "; expected one of " + new TreeSet<>(SCHEDULERS));
        }
        SortedSet<Integer> served = servedWidths(cell.backbone());
        if (!served.containsAll(Set.of(cell.pair().high(), cell.pair().low()))) {
            return Optional.of("cell " + cell.id() + ": pair " + cell.pair() + " is outside the widths " + served
                    + " the registry's " + cell.backbone() + " serves");
        }
        return Optional.empty();
    }

    /** The uniform widths back-bone {@code name} of the registry is configured to serve. */
    private static SortedSet<Integer> servedWidths(String name) {
        return switch (Backbones.cachedQuantizer(name).quantizer()) {
            case RtnQuantizer rtn -> rtn.bitWidths();
            case AnyPrecisionQuantizer ap -> IntStream.rangeClosed(ap.seedBits(), ap.parentBits()).boxed()
                    .collect(Collectors.toCollection(TreeSet::new));
            default -> throw new IllegalStateException("back-bone " + name + " passed the check");
        };
    }

    @Override
    public CellRun run(JobCell cell, int limit) throws IOException {
        Optional<String> why = unsupported(cell);
        if (why.isPresent()) {
            throw new UnsupportedCellException(why.get());
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit " + limit + ": expected 0 (all) or a positive count");
        }
        List<TaskExample> all = TaskFixtures.load(fixturesDir, cell.task(), Split.TEST);
        List<TaskExample> examples = limit == 0 || limit >= all.size() ? all : new ArrayList<>(all.subList(0, limit));
        long start = System.nanoTime();
        Built built = backbone(cell);
        double prepareSeconds = (System.nanoTime() - start) / 1e9;
        Precision high = built.backbone().precision(built.model(), cell.pair().high());
        Precision low = built.backbone().precision(built.model(), cell.pair().low());
        PrecisionPlan plan = switch (cell.scheduler()) {
            case "none-high" -> PrecisionPlan.fixed(high);
            case "none-low" -> PrecisionPlan.fixed(low);
            case "phase-aware-only" -> PrecisionPlan.phaseAware(high, low);
            default -> throw new IllegalStateException("scheduler " + cell.scheduler() + " passed the check");
        };
        TaskOutputs outputs = new TaskRun(built.decoder(), bundle.tokenizer(), batchSize)
                .run(examples, plan, cell.scheduler() + " " + cell.pair().fileLabel());
        if (origin == null) {
            origin = CellRun.Origin.of(bundle, fixturesDir);
        }
        return new CellRun(cell, outputs, prepareSeconds, References.dataset(outputs), CellRun.Accounting.UNKNOWN,
                origin);
    }

    /** The cell's back-bone from the registry with its decoder, quantized on first use. */
    private Built backbone(JobCell cell) throws IOException {
        Built built = backbones.get(cell.backbone());
        if (built == null) {
            Backbone backbone = Backbones.named(cell.backbone());
            QuantizedModel quantized = backbone.build(new Backbone.Inputs(bundle.files(), fixturesDir));
            DjlLlama decoder = DjlLlama.withProvider(bundle.config(), DjlLlama.reading(bundle.checkpoint()),
                    bundle.model().device(), (m, c, w) -> new QuantizedWeightProvider(m, c, w, quantized));
            built = new Built(backbone, quantized, decoder);
            backbones.put(cell.backbone(), built);
        }
        return built;
    }

    /** Where the model runs, as DJL names it. */
    public String device() {
        return bundle.device();
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (Built built : backbones.values()) {
            try {
                built.decoder().close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        backbones.clear();
        bundle.close();
        if (failure != null) {
            throw failure;
        }
    }
}
