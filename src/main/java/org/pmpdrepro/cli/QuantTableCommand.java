package org.pmpdrepro.cli;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DeviceChoice;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.Perplexity;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.io.AtomicFiles;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.pmpdrepro.quant.WeightTraffic;
import org.pmpdrepro.quant.anyprec.FisherSensitivities;
import org.pmpdrepro.quant.methods.Backbones;
import org.pmpdrepro.quant.store.CacheKey;
import org.pmpdrepro.quant.store.CalibrationSet;
import org.pmpdrepro.quant.store.QuantizationStore;
import org.pmpdrepro.tokenizer.ProjectTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pmpd quant-table}: calibration and test perplexity and memory of every back-bone at 2, 3 and 4 bits. */
@Command(
        name = "quant-table",
        mixinStandardHelpOptions = true,
        description = {
            "Quantizes the model with each back-bone (through the quantization cache), measures calibration and",
            "test perplexity at full precision and each bit-width, and resident bytes for precision sets {4,3} and",
            "{3,2}; prints the table and writes quant-table.md and quant-table.csv to --out."
        })
public final class QuantTableCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(QuantTableCommand.class);
    static final String CALIBRATION_TEXT = "calibration-text.jsonl";
    static final String MARKDOWN = "quant-table.md";
    static final String CSV = "quant-table.csv";
    private static final List<SortedSet<Integer>> RESIDENT_SETS = List.of(new TreeSet<>(Set.of(4, 3)),
            new TreeSet<>(Set.of(3, 2)));

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model;

    @Option(names = "--fixtures", paramLabel = "DIR", description = "Task fixtures (default: ${DEFAULT-VALUE}).")
    Path fixtures = TaskFixtures.DEFAULT_DIR;

    @Option(names = "--methods", paramLabel = "M", split = ",",
            description = "Back-bones to tabulate (default: all of ${COMPLETION-CANDIDATES}).",
            completionCandidates = MethodNames.class)
    List<String> methods;

    @Option(names = "--bits", paramLabel = "B", split = ",", description = "Bit-widths (default: 2,3,4).")
    List<Integer> bits = List.of(2, 3, 4);

    @Option(names = "--calibration-sequences", paramLabel = "N",
            description = "Calibration documents for calibration perplexity (default: ${DEFAULT-VALUE}).")
    int calibrationSequences = 64;

    @Option(names = "--test-limit", paramLabel = "N",
            description = "First N test examples per task for test perplexity; 0 for all (default: ${DEFAULT-VALUE}).")
    int testLimit = 32;

    @Option(names = "--quant-fixtures", paramLabel = "DIR",
            description = {"The committed quantization artefacts the back-bones are built from: Fisher sensitivities,",
                "HAQ policies, Bit-Mixer weights (default: ${DEFAULT-VALUE})."})
    Path quantFixtures = Path.of("fixtures", "quant");

    @Option(names = "--regenerate-fisher",
            description = "Recompute the Fisher sensitivities into --quant-fixtures before building Any-Precision.")
    boolean regenerateFisher;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Quantization cache (default: -Dpmpd.quantCache or target/quant-cache).")
    Path cache;

    @Option(names = "--strict", description = "Fail on a corrupt cache entry instead of rebuilding it.")
    boolean strict;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the table (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "quant-table");

    @Override
    public Integer call() {
        DeviceChoice choice = model.deviceChoice();
        List<String> backbones = backbones();
        if (calibrationSequences < 1 || testLimit < 0) {
            throw usage("--calibration-sequences must be >= 1 and --test-limit >= 0");
        }
        QuantizationStore store = cache == null ? QuantizationStore.atDefaultLocation()
                : new QuantizationStore(cache, QuantizationStore.Mode.REBUILD);
        if (strict) {
            store = new QuantizationStore(store.root(), QuantizationStore.Mode.STRICT);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try (ModelBundle bundle = ModelBundle.open(model.model, choice)) {
            PerplexityTable table = tabulate(bundle, backbones, new Backbones(fixtures, quantFixtures, store),
                    bundle.model().device());
            String md = table.markdown();
            AtomicFiles.writeString(out.resolve(MARKDOWN), md);
            AtomicFiles.writeString(out.resolve(CSV), table.csv());
            stdout.print(md);
            stdout.println("written to " + out.resolve(MARKDOWN) + " and " + out.resolve(CSV));
            stdout.flush();
            return 0;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("pmpd quant-table: error: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private List<String> backbones() {
        List<String> out = new ArrayList<>();
        for (String m : methods == null ? Backbones.NAMES : methods) {
            if (!Backbones.NAMES.contains(m.trim())) {
                throw usage("--methods: unknown back-bone '" + m.trim() + "'; expected some of "
                        + Backbones.NAMES);
            }
            out.add(m.trim());
        }
        for (int b : bits) {
            if (b < 1 || b > 8) {
                throw usage("--bits " + b + ": expected bit-widths in 1..8");
            }
        }
        return out;
    }

    private PerplexityTable tabulate(ModelBundle bundle, List<String> backbones, Backbones experiments,
            Device device) throws IOException {
        ProjectTokenizer tok = bundle.tokenizer();
        int maxTokens = bundle.config().maxPositionEmbeddings();
        CalibrationSet calibration = CalibrationSet.load(fixtures.resolve(CALIBRATION_TEXT), tok, calibrationSequences,
                maxTokens);
        CalibrationSet test = testSet(tok, maxTokens);
        List<String> provenance = new ArrayList<>();
        provenance.add("model `" + bundle.directory() + "`, identity " + bundle.identity().sha256());
        provenance.add(String.format(Locale.ROOT, "calibration perplexity: %s, %d tokens, SHA-256 %s",
                calibration.label(), calibration.tokens(), calibration.sha256()));
        provenance.add(String.format(Locale.ROOT, "test perplexity: %s, %d tokens, SHA-256 %s", test.label(),
                test.tokens(), test.sha256()));
        provenance.add("perplexity: exp of the mean next-token NLL over every token after the first of each sequence");
        provenance.add("back-bones as the ablations build them (quant.methods.Backbones): artefacts from `"
                + experiments.quantFixtures() + "`, quantized models cached in `" + experiments.store().root() + "`");
        provenance.add("bytes: quantized block matrices only (codes packed, plus every fp16 side table a step reads:"
                + " centroids, scales, offsets, group indices; full precision as fp16), accounted by"
                + " eval.WeightTraffic; effective bits = bytes x 8 / " + matrixParameters(bundle)
                + " quantized weights; code version " + CacheKey.CODE_VERSION);
        if (backbones.contains("any-precision")) {
            FisherSensitivities f = regenerateFisher ? experiments.regenerateFisher(bundle) : experiments.fisher(bundle);
            if (regenerateFisher) {
                LOG.info("fisher: regenerated {}", experiments.fisherFile());
            }
            provenance.add(String.format(Locale.ROOT, "Fisher sensitivities: %d sequences, calibration SHA-256 %s,"
                    + " content SHA-256 %s", f.provenance().sequences(), f.provenance().calibrationSha256(),
                    f.contentSha256()));
        }

        Progress progress = new Progress(2 * (1 + backbones.size() * bits.size()));
        List<PerplexityTable.Row> rows = new ArrayList<>();
        rows.add(row("full", Precision.FULL, bundle.model(), calibration, test, progress,
                2L * matrixParameters(bundle), 0, 16, List.of()));
        for (String name : backbones) {
            QuantizedModel q = experiments.build(name, bundle);
            WeightTraffic traffic = new WeightTraffic(q);
            List<OptionalLong> resident = new ArrayList<>();
            for (SortedSet<Integer> s : RESIDENT_SETS) {
                double bytes = serves(q, s.last()) && serves(q, s.first())
                        ? WeightTraffic.residentBytes(q, WeightTraffic.precision(q, s.last()),
                                WeightTraffic.precision(q, s.first()))
                        : Double.NaN;
                resident.add(Double.isFinite(bytes) ? OptionalLong.of(Math.round(bytes)) : OptionalLong.empty());
            }
            try (DjlLlama served = DjlLlama.withProvider(bundle.config(), DjlLlama.reading(bundle.checkpoint()), device,
                    (m, c, w) -> new QuantizedWeightProvider(m, c, w, q))) {
                for (int bw : bits) {
                    if (!serves(q, bw)) {
                        LOG.info("quant-table: {} does not serve {} bits; no row", name, bw);
                        progress.skip(2);
                        continue;
                    }
                    Precision p = WeightTraffic.precision(q, bw);
                    rows.add(row(name, p, served, calibration, test, progress,
                            Math.round(traffic.bytesPerStep(p.label())),
                            Math.round(traffic.tableBytesPerStep(p.label())), traffic.effectiveBitsPerStep(p.label()),
                            resident));
                }
            }
        }
        return new PerplexityTable(provenance, RESIDENT_SETS, rows);
    }

    /** Whether {@code model} serves a {@code bits} precision: a uniform width it holds, or HAQ's policy for it. */
    private static boolean serves(QuantizedModel model, int bits) {
        try {
            Precision p = WeightTraffic.precision(model, bits);
            return p.uniformBits() < 0 || model.bitWidths().contains(bits);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Prompt + " " + reference of every test example of every task, as {@code <bos> ... <eos>}. */
    private CalibrationSet testSet(ProjectTokenizer tok, int maxTokens) {
        List<String> texts = new ArrayList<>();
        for (Task t : Task.values()) {
            List<TaskExample> examples = TaskFixtures.load(fixtures, t, Split.TEST);
            for (TaskExample e : testLimit == 0 ? examples : examples.subList(0, Math.min(testLimit, examples.size()))) {
                texts.add(e.completion());
            }
        }
        List<int[]> seqs = new ArrayList<>();
        for (int[] ids : tok.encodeBatch(texts)) {
            seqs.add(CalibrationSet.document(ids, tok.bosId(), tok.eosId(), maxTokens));
        }
        return CalibrationSet.of("test split of " + Task.values().length + " tasks (" + seqs.size()
                + " prompt + reference texts)", seqs);
    }

    private static long matrixParameters(ModelBundle bundle) {
        long n = 0;
        for (LinearId id : LinearId.all(bundle.config())) {
            n += BitPolicy.parameters(bundle.config(), id.proj());
        }
        return n;
    }

    private PerplexityTable.Row row(String method, Precision precision, DjlLlama served, CalibrationSet calibration,
            CalibrationSet test, Progress progress, long readBytes, long tableBytes, double effectiveBits,
            List<OptionalLong> resident) {
        double cal = Perplexity.of(served, calibration.sequences(), precision, model.batchSize).perplexity();
        progress.step(method + " " + precision + " calibration", cal);
        double tst = Perplexity.of(served, test.sequences(), precision, model.batchSize).perplexity();
        progress.step(method + " " + precision + " test", tst);
        List<OptionalLong> res = resident.isEmpty() ? RESIDENT_SETS.stream().map(s -> OptionalLong.empty()).toList()
                : resident;
        String label = precision.isFull() ? "full" : precision.uniformBits() > 0 ? Integer.toString(precision.uniformBits())
                : String.format(Locale.ROOT, "%s (%.3f bits)", precision.label(), precision.averageBits());
        return new PerplexityTable.Row(method, label, cal, tst, readBytes, tableBytes, effectiveBits, res);
    }

    /** Logs each finished measurement with elapsed time and an estimate of the rest. */
    private static final class Progress {
        private final int total;
        private final long begin = System.nanoTime();
        private int done;

        Progress(int total) {
            this.total = total;
        }

        void skip(int steps) {
            done += steps;
        }

        void step(String what, double perplexity) {
            done++;
            double secs = (System.nanoTime() - begin) / 1e9;
            LOG.info(String.format(Locale.ROOT, "quant-table %d/%d: %s perplexity %.3f; %.0f s elapsed, ETA %.0f s",
                    done, total, what, perplexity, secs, secs / done * (total - done)));
        }
    }

    /** The back-bone names, for {@code --help}. */
    static final class MethodNames extends ArrayList<String> {
        MethodNames() {
            super(Backbones.NAMES);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
