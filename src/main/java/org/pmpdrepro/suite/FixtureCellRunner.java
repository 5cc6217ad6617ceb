package org.pmpdrepro.suite;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.eval.ModelBundle;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.eval.TaskScorer;
import org.pmpdrepro.eval.TaskScores;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs cells in this JVM on a model directory (the committed fixture model by default). Work is shared: the model
 * is opened once, each back-bone is quantized once, a (task, back-bone, plan) decode happens once and its scores
 * are computed once, however many cells ask for them. Not thread-safe beyond its own synchronisation: calls are
 * serialised, since the CPU back-end uses every core for one decode anyway.
 */
public final class FixtureCellRunner implements CellRunner {

    private static final Logger LOG = LoggerFactory.getLogger(FixtureCellRunner.class);

    private record Built(QuantizedModel quantized, DjlLlama model, double seconds) {}

    private record DecodeKey(Task task, String backbone, String plan) {}

    private record Decoded(TaskOutputs outputs, TaskScores scores, References references, double scoreSeconds) {}

    private final SuiteRegistry registry;
    private final SuiteSettings settings;
    private ModelBundle bundle;
    private RunEnvironment environment;
    private final Map<String, Built> backbones = new HashMap<>();
    private final Map<DecodeKey, Decoded> decodes = new HashMap<>();
    private final Map<Task, List<TaskExample>> examples = new HashMap<>();
    private final Map<Task, TaskOutputs> fullPrecision = new HashMap<>();

    public FixtureCellRunner(SuiteRegistry registry, SuiteSettings settings) {
        this.registry = registry;
        this.settings = settings;
    }

    @Override
    public synchronized CellOutcome run(Cell cell) {
        // Resolve the wiring first, so a cell that cannot run fails before anything is loaded.
        Backbone backbone = registry.backbone(cell.backbone());
        SchedulerFactory scheduler = registry.scheduler(cell.scheduler());
        boolean firstBuild = !backbones.containsKey(cell.backbone());
        Built built = built(cell.backbone(), backbone);
        SchedulerFactory.Scheduled plan = schedule(cell, backbone, scheduler, built);
        DecodeKey key = new DecodeKey(cell.task(), cell.backbone(), plan.key());
        Decoded decoded = decodes.get(key);
        boolean shared = decoded != null;
        if (!shared) {
            decoded = decodeAndScore(cell, built, plan, settings.batchSize());
            decodes.put(key, decoded);
        }
        return outcome(cell, backbone, built, decoded, new CellOutcome.Timings(firstBuild ? built.seconds() : 0,
                shared ? 0 : decoded.outputs().seconds(), shared ? 0 : decoded.scoreSeconds(), shared));
    }

    @Override
    public synchronized Variant runVariant(Cell cell) {
        Backbone backbone = registry.backbone(cell.backbone());
        SchedulerFactory scheduler = registry.scheduler(cell.scheduler());
        Built built = built(cell.backbone(), backbone);
        SchedulerFactory.Scheduled plan = schedule(cell, backbone, scheduler, built);
        return switch (settings.variant()) {
            case BATCH -> {
                // Other batch compositions change padding and matrix shapes, hence the order of floating-point sums.
                int batch = Math.max(1, settings.batchSize() / 2 + 1);
                Decoded d = decodeAndScore(cell, built, plan, batch);
                yield new Variant("batch size " + settings.batchSize() + " -> " + batch, variantOutcome(cell,
                        backbone, built, d));
            }
            case THREADS -> {
                int threads = IntraOpThreads.current();
                int other = threads == 1 ? 2 : 1;
                IntraOpThreads.set(other);
                try {
                    Decoded d = decodeAndScore(cell, built, plan, settings.batchSize());
                    yield new Variant("intra-op threads " + threads + " -> " + other, variantOutcome(cell, backbone,
                            built, d));
                } finally {
                    IntraOpThreads.set(threads);
                }
            }
        };
    }

    private CellOutcome variantOutcome(Cell cell, Backbone backbone, Built built, Decoded d) {
        return outcome(cell, backbone, built, d, new CellOutcome.Timings(0, d.outputs().seconds(), d.scoreSeconds(),
                false));
    }

    @Override
    public synchronized RunEnvironment environment() {
        if (environment == null) {
            ModelBundle b = bundle();
            Engine engine = Engine.getInstance();
            environment = new RunEnvironment(b.device(), "djl-" + engine.getEngineName().toLowerCase(java.util.Locale.ROOT)
                    + " " + engine.getVersion(), b.identity().sha256(),
                    Provenance.manifestSha256(settings.fixturesDir()));
        }
        return environment;
    }

    private SchedulerFactory.Scheduled schedule(Cell cell, Backbone backbone, SchedulerFactory scheduler, Built b) {
        Precision high = backbone.precision(b.quantized(), cell.pair().high());
        Precision low = backbone.precision(b.quantized(), cell.pair().low());
        return scheduler.schedule(new SchedulerFactory.Request(cell, examples(cell.task()), high, low, b.model(),
                bundle().tokenizer(), b.quantized(), other -> run(new Cell(cell.ablation(), cell.task(),
                        cell.backbone(), cell.pair(), other))));
    }

    private Decoded decodeAndScore(Cell cell, Built built, SchedulerFactory.Scheduled plan, int batchSize) {
        List<TaskExample> ex = examples(cell.task());
        LOG.info("{}: decoding {} prompts with {} on {}", cell.displayName(), ex.size(), plan.key(), cell.backbone());
        TaskOutputs outputs = new TaskRun(built.model(), bundle().tokenizer(), batchSize)
                .run(ex, plan.plan(), plan.key());
        References references = references(cell.task(), outputs);
        long start = System.nanoTime();
        TaskScores scores = TaskScorer.defaults().score(outputs, references);
        double scoreSeconds = (System.nanoTime() - start) / 1e9;
        LOG.info("{}: decoded in {} s, scored in {} s", cell.displayName(), fmt(outputs.seconds()), fmt(scoreSeconds));
        return new Decoded(outputs, scores, references, scoreSeconds);
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

    private CellOutcome outcome(Cell cell, Backbone backbone, Built built, Decoded d, CellOutcome.Timings timings) {
        List<String> refs = d.references().texts();
        return new CellOutcome(cell, d.outputs().plan(), d.outputs().device(), d.references().label(),
                d.outputs().samples(), refs, d.outputs().averageBits(),
                bytesPerToken(backbone, built.quantized(), d.outputs().samples()),
                backbone.residentBytes(built.quantized(), backbone.precision(built.quantized(), cell.pair().high()),
                        backbone.precision(built.quantized(), cell.pair().low())),
                timings, d.scores().results());
    }

    /** Mean over samples of each sample's token-weighted decode read bytes (prefill and first token excluded). */
    static double bytesPerToken(Backbone backbone, QuantizedModel q, List<SampleOutput> samples) {
        Map<String, Double> byLabel = new HashMap<>();
        double sum = 0;
        int counted = 0;
        for (SampleOutput s : samples) {
            List<String> decodeSteps = s.trace().subList(Math.min(1, s.trace().size()), s.trace().size());
            if (decodeSteps.isEmpty()) {
                continue;
            }
            double bytes = 0;
            for (String label : decodeSteps) {
                bytes += byLabel.computeIfAbsent(label, l -> precisionBytes(backbone, q, l));
            }
            sum += bytes / decodeSteps.size();
            counted++;
        }
        return counted == 0 ? Double.NaN : sum / counted;
    }

    private static double precisionBytes(Backbone backbone, QuantizedModel q, String label) {
        if (label.equals(Precision.FULL.label())) {
            return backbone.bytesReadPerToken(q, Precision.FULL);
        }
        if (label.matches("\\d+bit")) {
            return backbone.bytesReadPerToken(q, Precision.bits(Integer.parseInt(label.replace("bit", ""))));
        }
        var policy = q.policies().get(label);
        return policy == null ? Double.NaN
                : backbone.bytesReadPerToken(q, new Precision(label, policy.averageBits(q.config())));
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
            List<TaskExample> all = org.pmpdrepro.data.TaskFixtures.load(settings.fixturesDir(), t, Split.TEST);
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
        return String.format(java.util.Locale.ROOT, "%.1f", seconds);
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
