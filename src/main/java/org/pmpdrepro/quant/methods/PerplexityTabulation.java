package org.pmpdrepro.quant.methods;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.pmpdrepro.data.FixtureBuilder;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.data.TaskFixtures;
import org.pmpdrepro.decode.DjlLlama;
import org.pmpdrepro.decode.ModelBundle;
import org.pmpdrepro.decode.Perplexity;
import org.pmpdrepro.decode.Precision;
import org.pmpdrepro.io.Progress;
import org.pmpdrepro.quant.BitPolicy;
import org.pmpdrepro.quant.LinearId;
import org.pmpdrepro.quant.QuantizedModel;
import org.pmpdrepro.quant.QuantizedWeightProvider;
import org.pmpdrepro.quant.WeightTraffic;
import org.pmpdrepro.quant.anyprec.FisherSensitivities;
import org.pmpdrepro.quant.store.CacheKey;
import org.pmpdrepro.quant.store.CalibrationSet;
import org.pmpdrepro.tokenizer.ProjectTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quantizers' perplexity table ({@code pmpd quant-table}): every back-bone as the ablations build it, at each
 * bit-width, with the weight bytes a decode step reads and the bytes resident to serve a precision pair.
 */
public final class PerplexityTabulation {

    private static final Logger LOG = LoggerFactory.getLogger(PerplexityTabulation.class);

    /** The precision pairs whose resident bytes the table reports. */
    static final List<SortedSet<Integer>> RESIDENT_SETS = List.of(new TreeSet<>(Set.of(4, 3)),
            new TreeSet<>(Set.of(3, 2)));

    /**
     * @param fixtures the task fixtures (calibration text, test split)
     * @param bits the bit-widths of the rows
     * @param calibrationSequences calibration documents for calibration perplexity
     * @param testLimit the first this many test examples per task for test perplexity; 0 for all
     * @param batchSize sequences per forward pass
     * @param regenerateFisher recompute the Fisher sensitivities into the committed file before building Any-Precision
     */
    public record Settings(Path fixtures, List<Integer> bits, int calibrationSequences, int testLimit, int batchSize,
            boolean regenerateFisher) {
        public Settings {
            bits = List.copyOf(bits);
            if (calibrationSequences < 1 || testLimit < 0) {
                throw new IllegalArgumentException("calibration sequences " + calibrationSequences + " and test limit "
                        + testLimit + ": expected at least 1 and at least 0");
            }
        }
    }

    private final Settings settings;

    public PerplexityTabulation(Settings settings) {
        this.settings = settings;
    }

    /**
     * Calibration and test perplexity, weight bytes read per token and resident bytes of the full-precision model
     * and of each of {@code backbones} (as {@code experiments} builds them) at each of the settings' bit-widths.
     */
    public PerplexityTable tabulate(ModelBundle bundle, List<String> backbones, Backbones experiments)
            throws IOException {
        Device device = bundle.model().device();
        ProjectTokenizer tok = bundle.tokenizer();
        int maxTokens = bundle.config().maxPositionEmbeddings();
        CalibrationSet calibration = CalibrationSet.load(settings.fixtures().resolve(FixtureBuilder.CALIBRATION_TEXT_FILE), tok,
                settings.calibrationSequences(),
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
                + " quant.WeightTraffic; effective bits = bytes x 8 / " + matrixParameters(bundle)
                + " quantized weights; code version " + CacheKey.CODE_VERSION);
        if (backbones.contains("any-precision")) {
            FisherSensitivities f = settings.regenerateFisher() ? experiments.regenerateFisher(bundle)
                    : experiments.fisher(bundle);
            if (settings.regenerateFisher()) {
                LOG.info("fisher: regenerated {}", experiments.fisherFile());
            }
            provenance.add(String.format(Locale.ROOT, "Fisher sensitivities: %d sequences, calibration SHA-256 %s,"
                    + " content SHA-256 %s", f.provenance().sequences(), f.provenance().calibrationSha256(),
                    f.contentSha256()));
        }

        Progress progress = Progress.of(LOG, "quant-table", 2L * (1 + backbones.size() * settings.bits().size()), "perplexities");
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
                for (int bw : settings.bits()) {
                    if (!serves(q, bw)) {
                        progress.advance(2, () -> name + " does not serve " + bw + " bits; no row");
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
            List<TaskExample> examples = TaskFixtures.load(settings.fixtures(), t, Split.TEST);
            int limit = settings.testLimit();
            for (TaskExample e : limit == 0 ? examples : examples.subList(0, Math.min(limit, examples.size()))) {
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
        double cal = Perplexity.of(served, calibration.sequences(), precision, settings.batchSize())
                .perplexity();
        progress.advance(1, () -> String.format(Locale.ROOT, "%s %s calibration perplexity %.3f", method, precision,
                cal));
        double tst = Perplexity.of(served, test.sequences(), precision, settings.batchSize())
                .perplexity();
        progress.advance(1, () -> String.format(Locale.ROOT, "%s %s test perplexity %.3f", method, precision, tst));
        List<OptionalLong> res = resident.isEmpty() ? RESIDENT_SETS.stream().map(s -> OptionalLong.empty()).toList()
                : resident;
        String label = precision.isFull() ? "full" : precision.uniformBits() > 0 ? Integer.toString(precision.uniformBits())
                : String.format(Locale.ROOT, "%s (%.3f bits)", precision.label(), precision.averageBits());
        return new PerplexityTable.Row(method, label, cal, tst, readBytes, tableBytes, effectiveBits, res);
    }
}
