package org.pmpdrepro.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.IntraOpThreads;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.eval.Provenance;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.SampleOutput;
import org.pmpdrepro.eval.TaskOutputs;
import org.pmpdrepro.eval.TaskRun;
import org.pmpdrepro.quant.Backbone;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.pmpdrepro.quant.WeightTraffic;
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
    /**
     * Decodes some cell has been handed as its own; a later cell with the same key reuses it. A group decode makes
     * its siblings' decodes before they ask, and each is still the first asker's own work (its time is its own).
     */
    private final Set<DecodeKey> claimed = new HashSet<>();
    /** The cells the run will ask for ({@link #plan}), so that a decode can take its siblings along. */
    private final List<Cell> planned = new ArrayList<>();
    /** Each cell's plan, made once (a learned scheduler's plan costs a prefill of its own). */
    private final Map<Cell, SchedulerFactory.Scheduled> scheduled = new HashMap<>();

    /** Thrown by a sibling lookup during a group decode when the sibling has not been decoded yet. */
    private static final class SiblingNotReady extends RuntimeException {
        SiblingNotReady() {
            super(null, null, false, false);
        }
    }

    public CellDecoder(SuiteRegistry registry, SuiteSettings settings) {
        this.registry = registry;
        this.settings = settings;
    }

    public SuiteSettings settings() {
        return settings;
    }

    /** The cells the run will decode: a decode then takes along the siblings whose plans are ready. */
    public synchronized void plan(List<Cell> cells) {
        planned.clear();
        planned.addAll(cells);
    }

    /**
     * The cell decoded with its settings' batch size, shared with every earlier cell of the same task, back-bone
     * and plan. When the cell has to be decoded, the planned cells of the same task, back-bone and pair whose plans
     * are ready are decoded with it, sharing their prefills ({@link TaskRun#run(List, List, List)}); a sibling whose
     * plan needs a decode not made yet ({@code matched-static} needs {@code static}'s) waits for its own turn.
     *
     * @throws NotImplementedException when the cell's back-bone or scheduler is not wired
     */
    public synchronized DecodedCell decode(Cell cell) {
        // Resolve the wiring first, so a cell that cannot run fails before anything is loaded.
        Backbone backbone = registry.backbone(cell.backbone());
        boolean firstBuild = !backbones.containsKey(cell.backbone());
        Built built = built(cell.backbone(), backbone);
        SchedulerFactory.Scheduled plan = scheduled(cell, backbone, built, true);
        DecodeKey key = new DecodeKey(cell.task(), cell.backbone(), plan.key());
        Decode decode = decodes.get(key);
        boolean shared = !claimed.add(key);
        if (decode == null) {
            Map<DecodeKey, SchedulerFactory.Scheduled> group = new LinkedHashMap<>();
            group.put(key, plan);
            for (Cell other : planned) {
                if (other.task() != cell.task() || !other.backbone().equals(cell.backbone())
                        || !other.pair().equals(cell.pair()) || other.equals(cell)) {
                    continue;
                }
                SchedulerFactory.Scheduled p;
                try {
                    p = scheduled(other, backbone, built, false);
                } catch (RuntimeException e) {
                    // A sibling that cannot be planned fails on its own turn, not this cell's.
                    LOG.debug("{} not decoded with {}: {}", other.displayName(), cell.displayName(), e.toString());
                    continue;
                }
                DecodeKey k = p == null ? null : new DecodeKey(other.task(), other.backbone(), p.key());
                if (k != null && !decodes.containsKey(k)) {
                    group.putIfAbsent(k, p);
                }
            }
            decodeGroup(cell, built, group, settings.batchSize());
            decode = decodes.get(key);
        }
        return accounted(cell, backbone, built, decode, firstBuild ? built.seconds() : 0, shared);
    }

    /**
     * The cell's plan, made on first request and kept. With {@code mayDecodeSiblings} false, a plan that needs a
     * sibling's decode that has not been made yet is not made now (null).
     */
    private SchedulerFactory.Scheduled scheduled(Cell cell, Backbone backbone, Built built,
            boolean mayDecodeSiblings) {
        SchedulerFactory.Scheduled s = scheduled.get(cell);
        if (s != null) {
            return s;
        }
        SchedulerFactory scheduler = registry.scheduler(cell.scheduler());
        try {
            s = schedule(cell, backbone, scheduler, built, mayDecodeSiblings);
        } catch (SiblingNotReady e) {
            return null;
        }
        scheduled.put(cell, s);
        return s;
    }

    /**
     * The cell decoded afresh with {@code batchSize}, under whatever intra-op thread count is set now: a rerun
     * under other numerics, never taken from or put into the shared decodes.
     */
    public synchronized DecodedCell decodeAgain(Cell cell, int batchSize) {
        Backbone backbone = registry.backbone(cell.backbone());
        Built built = built(cell.backbone(), backbone);
        SchedulerFactory.Scheduled plan = scheduled(cell, backbone, built, true);
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

    private SchedulerFactory.Scheduled schedule(Cell cell, Backbone backbone, SchedulerFactory scheduler, Built b,
            boolean mayDecodeSiblings) {
        Precision high = backbone.precision(b.quantized(), cell.pair().high());
        Precision low = backbone.precision(b.quantized(), cell.pair().low());
        return scheduler.schedule(new SchedulerFactory.Request(cell, examples(cell.task()), high, low, b.model(),
                bundle().tokenizer(), b.quantized(), other -> {
                    Cell sibling = new Cell(cell.ablation(), cell.task(), cell.backbone(), cell.pair(), other);
                    if (!mayDecodeSiblings && !isDecoded(sibling)) {
                        throw new SiblingNotReady();
                    }
                    return decode(sibling).outputs();
                }));
    }

    private boolean isDecoded(Cell cell) {
        SchedulerFactory.Scheduled s = scheduled.get(cell);
        return s != null && decodes.containsKey(new DecodeKey(cell.task(), cell.backbone(), s.key()));
    }

    private Decode decodeOnce(Cell cell, Built built, SchedulerFactory.Scheduled plan, int batchSize) {
        List<TaskExample> ex = examples(cell.task());
        LOG.info("{}: decoding {} prompts with {} on {}", cell.displayName(), ex.size(), plan.key(), cell.backbone());
        TaskOutputs outputs = new TaskRun(built.model(), bundle().tokenizer(), batchSize)
                .run(ex, plan.plan(), plan.key());
        LOG.info("{}: decoded in {} s", cell.displayName(), fmt(outputs.seconds()));
        return new Decode(outputs, references(cell.task(), outputs));
    }

    /** Decodes every plan of {@code group} (one task and back-bone) in one pass and keeps each decode. */
    private void decodeGroup(Cell cell, Built built, Map<DecodeKey, SchedulerFactory.Scheduled> group,
            int batchSize) {
        List<TaskExample> ex = examples(cell.task());
        List<SchedulerFactory.Scheduled> plans = List.copyOf(group.values());
        LOG.info("{}: decoding {} prompts under {} plan(s) on {}: {}", cell.displayName(), ex.size(), plans.size(),
                cell.backbone(), plans.stream().map(SchedulerFactory.Scheduled::key).toList());
        long start = System.nanoTime();
        List<TaskOutputs> outputs = Phases.run(String.format(Locale.ROOT, "decode: %d %s prompts on %s, %d plan(s)"
                + " sharing prefills (%s)", ex.size(), cell.task().id(), cell.backbone(), plans.size(),
                String.join(", ", plans.stream().map(p -> p.key().replaceFirst(" \\{.*", "")).toList())),
                () -> new TaskRun(built.model(), bundle().tokenizer(), batchSize).run(ex,
                        plans.stream().map(SchedulerFactory.Scheduled::plan).toList(),
                        plans.stream().map(SchedulerFactory.Scheduled::key).toList()));
        int i = 0;
        for (DecodeKey k : group.keySet()) {
            decodes.put(k, new Decode(outputs.get(i), references(cell.task(), outputs.get(i))));
            i++;
        }
        LOG.info("{}: {} plan(s) decoded in {} s", cell.displayName(), plans.size(),
                fmt((System.nanoTime() - start) / 1e9));
    }

    /** debchat plays MT-Bench: scored against the full-precision model's own output; the others their references. */
    private References references(Task task, TaskOutputs outputs) {
        if (task != Task.DEBCHAT) {
            return References.dataset(outputs);
        }
        TaskOutputs full = fullPrecision.computeIfAbsent(task, t -> Phases.run("decode: " + examples(t).size() + " "
                + t.id() + " prompts at full precision (the references)",
                () -> TaskRun.of(bundle(), settings.batchSize()).run(examples(t))));
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
        b = Phases.run("build decoder: " + name + " on " + mb.device(), () -> {
            long start = System.nanoTime();
            QuantizedModel q;
            try {
                q = backbone.build(new Backbone.Inputs(mb, settings.fixturesDir()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot build back-bone " + name + " from " + mb.directory(), e);
            }
            DjlLlama model = DjlLlama.withProvider(mb.config(), DjlLlama.reading(mb.checkpoint()),
                    mb.model().device(), (m, c, w) -> new QuantizedWeightProvider(m, c, w, q));
            return new Built(q, model, (System.nanoTime() - start) / 1e9);
        });
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
            bundle = Phases.run("open model " + settings.modelDir(), () -> {
                try {
                    ModelBundle b = ModelBundle.open(settings.modelDir(), settings.device());
                    try {
                        if (settings.intraOpThreads() > 0) {
                            IntraOpThreads.set(settings.intraOpThreads());
                        }
                    } catch (RuntimeException e) {
                        b.close();
                        throw e;
                    }
                    return b;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open model " + settings.modelDir(), e);
                }
            });
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
