package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.IntraOpThreads;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.eval.ModelBundle;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.eval.WeightTraffic;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoding half of running a cell, shared by the in-process runner and the decoder container's job executor
 * so that both decode with the same code: the model is opened once, each back-bone is built once, the cell's
 * scheduler turns into a plan ({@link SchedulerFactory}), and a (task, back-bone, plan) decode happens once however
 * many cells ask for it. debchat's references, the full-precision model's outputs, are decoded here too. Calls are
 * serialised: the CPU back-end uses every core for one decode anyway.
 */
public final class CellDecoder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CellDecoder.class);

    private record Built(QuantizedModel quantized, DjlLlama model, double seconds) {}

    private record DecodeKey(Task task, String backbone, String plan) {}

    private record Decode(TaskOutputs outputs, References references) {}

    private final SuiteRegistry registry;
    private final SuiteSettings settings;
    private ModelBundle bundle;
    private RunEnvironment environment;
    private final Map<String, Built> backbones = new HashMap<>();
    private final Map<DecodeKey, Decode> decodes = new HashMap<>();
    private final Map<Task, List<TaskExample>> examples = new HashMap<>();
    private final Map<Task, TaskOutputs> fullPrecision = new HashMap<>();

    public CellDecoder(SuiteRegistry registry, SuiteSettings settings) {
        this.registry = registry;
        this.settings = settings;
    }

    public SuiteSettings settings() {
        return settings;
    }

    /**
     * The cell decoded with its settings' batch size, shared with every earlier cell of the same task, back-bone
     * and plan.
     *
     * @throws NotImplementedException when the cell's back-bone or scheduler is not wired
     */
    public synchronized DecodedCell decode(Cell cell) {
        // Resolve the wiring first, so a cell that cannot run fails before anything is loaded.
        Backbone backbone = registry.backbone(cell.backbone());
        SchedulerFactory scheduler = registry.scheduler(cell.scheduler());
        boolean firstBuild = !backbones.containsKey(cell.backbone());
        Built built = built(cell.backbone(), backbone);
        SchedulerFactory.Scheduled plan = schedule(cell, backbone, scheduler, built);
        DecodeKey key = new DecodeKey(cell.task(), cell.backbone(), plan.key());
        Decode decode = decodes.get(key);
        boolean shared = decode != null;
        if (!shared) {
            decode = decodeOnce(cell, built, plan, settings.batchSize());
            decodes.put(key, decode);
        }
        return accounted(cell, backbone, built, decode, firstBuild ? built.seconds() : 0, shared);
    }

    /**
     * The cell decoded afresh with {@code batchSize}, under whatever intra-op thread count is set now: a rerun
     * under other numerics, never taken from or put into the shared decodes.
     */
    public synchronized DecodedCell decodeAgain(Cell cell, int batchSize) {
        Backbone backbone = registry.backbone(cell.backbone());
        SchedulerFactory scheduler = registry.scheduler(cell.scheduler());
        Built built = built(cell.backbone(), backbone);
        SchedulerFactory.Scheduled plan = schedule(cell, backbone, scheduler, built);
        return accounted(cell, backbone, built, decodeOnce(cell, built, plan, batchSize), 0, false);
    }

    /** Device, back-end and the model's and fixtures' hashes, for golden provenance. */
    public synchronized RunEnvironment environment() {
        if (environment == null) {
            ModelBundle b = bundle();
            environment = new RunEnvironment(b.device(), Provenance.backend(), b.identity().sha256(),
                    Provenance.manifestSha256(settings.fixturesDir()));
        }
        return environment;
    }

    private DecodedCell accounted(Cell cell, Backbone backbone, Built built, Decode d, double buildSeconds,
            boolean shared) {
        QuantizedModel q = built.quantized();
        return new DecodedCell(cell, d.outputs(), d.references(), bytesPerToken(q, d.outputs().samples()),
                backbone.residentBytes(q, backbone.precision(q, cell.pair().high()),
                        backbone.precision(q, cell.pair().low())), buildSeconds, shared);
    }

    private SchedulerFactory.Scheduled schedule(Cell cell, Backbone backbone, SchedulerFactory scheduler, Built b) {
        Precision high = backbone.precision(b.quantized(), cell.pair().high());
        Precision low = backbone.precision(b.quantized(), cell.pair().low());
        return scheduler.schedule(new SchedulerFactory.Request(cell, examples(cell.task()), high, low, b.model(),
                bundle().tokenizer(), b.quantized(), other -> decode(new Cell(cell.ablation(), cell.task(),
                        cell.backbone(), cell.pair(), other)).outputs()));
    }

    private Decode decodeOnce(Cell cell, Built built, SchedulerFactory.Scheduled plan, int batchSize) {
        List<TaskExample> ex = examples(cell.task());
        LOG.info("{}: decoding {} prompts with {} on {}", cell.displayName(), ex.size(), plan.key(), cell.backbone());
        TaskOutputs outputs = new TaskRun(built.model(), bundle().tokenizer(), batchSize)
                .run(ex, plan.plan(), plan.key());
        LOG.info("{}: decoded in {} s", cell.displayName(), fmt(outputs.seconds()));
        return new Decode(outputs, references(cell.task(), outputs));
    }

    /** debchat plays MT-Bench: scored against the full-precision model's own output; the others their references. */
    private References references(Task task, TaskOutputs outputs) {
        if (task != Task.DEBCHAT) {
            return References.dataset(outputs);
        }
        TaskOutputs full = fullPrecision.computeIfAbsent(task, t -> TaskRun.of(bundle(), settings.batchSize())
                .run(examples(t)));
        return References.fullPrecision(full);
    }

    /**
     * Mean over samples of each sample's token-weighted decode read bytes (prefill and first token excluded), as
     * {@link WeightTraffic} accounts each precision; samples without a decode step do not count.
     */
    static double bytesPerToken(QuantizedModel q, List<SampleOutput> samples) {
        WeightTraffic traffic = new WeightTraffic(q);
        return samples.stream().filter(s -> s.trace().size() > 1).mapToDouble(s -> traffic.perDecodedToken(s.trace()))
                .average().orElse(Double.NaN);
    }

    private Built built(String name, Backbone backbone) {
        Built b = backbones.get(name);
        if (b != null) {
            return b;
        }
        ModelBundle mb = bundle();
        long start = System.nanoTime();
        QuantizedModel q;
        try {
            q = backbone.build(new Backbone.Inputs(mb, settings.fixturesDir()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build back-bone " + name + " from " + mb.directory(), e);
        }
        DjlLlama model = DjlLlama.withProvider(mb.config(), DjlLlama.reading(mb.checkpoint()), mb.model().device(),
                (m, c, w) -> new QuantizedWeightProvider(m, c, w, q));
        b = new Built(q, model, (System.nanoTime() - start) / 1e9);
        LOG.info("back-bone {} built in {} s", name, fmt(b.seconds()));
        backbones.put(name, b);
        return b;
    }

    private List<TaskExample> examples(Task task) {
        return examples.computeIfAbsent(task, t -> {
            List<TaskExample> all = TaskFixtures.load(settings.fixturesDir(), t, Split.TEST);
            int n = settings.samples();
            return n == 0 || n >= all.size() ? all : List.copyOf(all.subList(0, n));
        });
    }

    private ModelBundle bundle() {
        if (bundle == null) {
            try {
                bundle = ModelBundle.open(settings.modelDir(), settings.device());
                if (settings.intraOpThreads() > 0) {
                    IntraOpThreads.set(settings.intraOpThreads());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open model " + settings.modelDir(), e);
            }
        }
        return bundle;
    }

    private static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }

    @Override
    public synchronized void close() {
        List<RuntimeException> errors = new ArrayList<>();
        for (Built b : backbones.values()) {
            try {
                b.model().close();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        backbones.clear();
        if (bundle != null) {
            bundle.close();
            bundle = null;
        }
        if (!errors.isEmpty()) {
            throw errors.get(0);
        }
    }
}
