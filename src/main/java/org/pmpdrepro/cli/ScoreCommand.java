package org.pmpdrepro.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.pmpdrepro.io.Json;
import org.pmpdrepro.metrics.BertScore;
import org.pmpdrepro.metrics.BertScoreBaseline;
import org.pmpdrepro.metrics.BertScoreConfig;
import org.pmpdrepro.metrics.Bleu;
import org.pmpdrepro.metrics.BleuConfig;
import org.pmpdrepro.metrics.BleuTokenizer;
import org.pmpdrepro.metrics.Corpus;
import org.pmpdrepro.metrics.Metric;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.metrics.MiniLmEncoder;
import org.pmpdrepro.metrics.PairedBootstrap;
import org.pmpdrepro.metrics.Rouge;
import org.pmpdrepro.metrics.RougeType;
import org.pmpdrepro.metrics.SacreBleu;
import org.pmpdrepro.metrics.SacreBleuConfig;
import org.pmpdrepro.metrics.ScoreFormat;
import org.pmpdrepro.metrics.SegmentFiles;
import org.pmpdrepro.metrics.Smoothing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pmpd score}: scores a hypothesis file against reference files with any of the project's metrics,
 * like the {@code sacrebleu} command line, and prints the score with its signature.
 */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Score a hypothesis file against reference file(s), one segment per line (UTF-8).",
            "Several --ref files are several reference streams. Prints the score with its signature."
        })
public final class ScoreCommand implements Callable<Integer> {

    static final List<String> METRICS = List.of("rougeL", "rougeLsum", "rouge1", "rouge2", "bleu", "sacrebleu", "bertscore");

    @Spec
    CommandSpec spec;

    @Option(names = "--metric", required = true, description = "One of: ${COMPLETION-CANDIDATES}.",
            completionCandidates = MetricNames.class)
    String metric;

    @Option(names = "--hyp", required = true, paramLabel = "FILE", description = "Hypotheses, one per line.")
    Path hyp;

    @Option(names = "--ref", required = true, paramLabel = "FILE", description = "References, one per line; repeat for several streams.")
    List<Path> refs = new ArrayList<>();

    @Option(names = "--tokenize", paramLabel = "TOK", description = "sacrebleu tokenizer: 13a (default), none, intl, char.")
    String tokenize;

    @Option(names = "--lowercase", description = "sacrebleu: lower-case hypotheses and references.")
    boolean lowercase;

    @Option(names = "--smooth-method", paramLabel = "METHOD", description = "sacrebleu smoothing: exp (default), floor, add-k, none.")
    String smoothMethod;

    @Option(names = "--smooth-value", paramLabel = "V", description = "Value for floor (default 0.1) or add-k (default 1).")
    Double smoothValue;

    @Option(names = "--smooth", description = "bleu: Lin and Och add-one smoothing of every order (evaluate's smooth=True).")
    boolean smooth;

    @Option(names = "--max-ngram-order", paramLabel = "N", description = "BLEU n-gram order (default 4).")
    Integer maxNgramOrder;

    @Option(names = "--effective-order", description = "sacrebleu: stop at the highest order the hypothesis has.")
    boolean effectiveOrder;

    @Option(names = "--stemmer", description = "ROUGE: Porter-stem tokens longer than 3 characters.")
    boolean stemmer;

    @Option(names = "--idf", description = "bertscore: idf weights from the reference corpus.")
    boolean idf;

    @Option(names = "--rescale-with-baseline", description = "bertscore: rescale with the built-in baseline of the encoder.")
    boolean rescale;

    @Option(names = "--baseline", paramLabel = "CSV", description = "bertscore: rescale with this baseline file (encoder,layer,P,R,F).")
    Path baselineFile;

    @Option(names = "--sentence", description = "Print one score per line (sacrebleu: with effective order, as sentence_bleu).")
    boolean sentence;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Option(names = "--paired-bs", paramLabel = "FILE", description = "Paired bootstrap test of --hyp against this baseline hypothesis file.")
    Path pairedBaseline;

    @Option(names = "--resamples", paramLabel = "N", defaultValue = "1000", description = "Bootstrap resamples (default ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "12345", description = "Bootstrap seed (default ${DEFAULT-VALUE}).")
    long seed;

    /** The metric names for picocli's help and completion. */
    static final class MetricNames extends ArrayList<String> {
        MetricNames() {
            super(METRICS);
        }
    }

    @Override
    public Integer call() throws IOException {
        checkFlags();
        PrintWriter out = spec.commandLine().getOut();
        // Files first: a bad file is reported before the BERTScore encoder takes seconds to load.
        Corpus corpus = SegmentFiles.readCorpus(hyp, refs);
        Metric m = buildMetric();
        MetricResult result = score(m, corpus, hyp);
        if (pairedBaseline != null) {
            Corpus base = SegmentFiles.readCorpus(pairedBaseline, refs);
            PairedBootstrap.Result r = PairedBootstrap.compare(score(m, base, pairedBaseline), result,
                    new PairedBootstrap.Config(resamples, seed));
            out.println(json ? toJson(ScoreFormat.json(r)) : ScoreFormat.text(r, pairedBaseline.toString(), hyp.toString()));
        } else if (sentence) {
            if (json) {
                out.println(toJson(ScoreFormat.sampleJson(result)));
            } else {
                for (int i = 0; i < result.size(); i++) {
                    out.println(ScoreFormat.sampleText(result, i));
                }
            }
        } else {
            out.println(json ? toJson(ScoreFormat.json(result)) : ScoreFormat.text(result));
        }
        out.flush();
        return 0;
    }

    /**
     * The metric's score of one corpus; a metric that refuses the corpus (BLEU of references that are all empty)
     * says so naming the files.
     */
    private MetricResult score(Metric m, Corpus corpus, Path hypotheses) {
        try {
            return m.score(corpus);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(hypotheses + " against " + String.join(", ",
                    refs.stream().map(Path::toString).toList()) + ": " + e.getMessage(), e);
        }
    }

    /** Flags that do not apply to the chosen metric are refused rather than ignored. */
    private void checkFlags() {
        if (!METRICS.contains(metric)) {
            throw usage("--metric '" + metric + "' is not one of " + METRICS);
        }
        boolean isSacre = metric.equals("sacrebleu");
        boolean isBleu = metric.equals("bleu");
        boolean isRouge = metric.startsWith("rouge");
        boolean isBert = metric.equals("bertscore");
        onlyFor(isSacre, tokenize != null, "--tokenize", "sacrebleu");
        onlyFor(isSacre, lowercase, "--lowercase", "sacrebleu");
        onlyFor(isSacre, smoothMethod != null, "--smooth-method", "sacrebleu");
        onlyFor(isSacre, smoothValue != null, "--smooth-value", "sacrebleu");
        onlyFor(isSacre, effectiveOrder, "--effective-order", "sacrebleu");
        onlyFor(isBleu, smooth, "--smooth", "bleu");
        onlyFor(isSacre || isBleu, maxNgramOrder != null, "--max-ngram-order", "sacrebleu and bleu");
        onlyFor(isRouge, stemmer, "--stemmer", "the rouge metrics");
        onlyFor(isBert, idf, "--idf", "bertscore");
        onlyFor(isBert, rescale, "--rescale-with-baseline", "bertscore");
        onlyFor(isBert, baselineFile != null, "--baseline", "bertscore");
        if (smoothValue != null && !Double.isFinite(smoothValue)) {
            // NaN would otherwise mean "the method's default" to the configuration, silently.
            throw usage("--smooth-value " + smoothValue + ": expected a positive finite number");
        }
        if (pairedBaseline != null && sentence) {
            throw usage("--paired-bs compares corpus scores; it cannot be combined with --sentence");
        }
    }

    private Metric buildMetric() {
        try {
            return switch (metric) {
                case "sacrebleu" -> sacreBleu();
                case "bleu" -> new Bleu(new BleuConfig(maxNgramOrder == null ? 4 : maxNgramOrder, smooth));
                case "bertscore" -> bertScore();
                default -> Rouge.of(RougeType.byName(metric), stemmer);
            };
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw usage(e.getMessage());
        }
    }

    private SacreBleu sacreBleu() {
        // Sentence-level scores use effective order, as sacrebleu's sentence_bleu and its -sl mode do.
        SacreBleuConfig c = SacreBleuConfig.defaults().withLowercase(lowercase).withEffectiveOrder(effectiveOrder || sentence);
        if (tokenize != null) {
            c = c.withTokenizer(BleuTokenizer.byName(tokenize));
        }
        Smoothing s = smoothMethod == null ? c.smoothing() : Smoothing.byName(smoothMethod);
        if (smoothValue != null && !s.takesValue()) {
            throw new IllegalArgumentException("--smooth-value applies to floor and add-k, not to " + s.label());
        }
        c = smoothValue == null ? c.withSmoothing(s) : c.withSmoothing(s, smoothValue);
        if (maxNgramOrder != null) {
            c = c.withMaxNgramOrder(maxNgramOrder);
        }
        return new SacreBleu(c);
    }

    private BertScore bertScore() {
        MiniLmEncoder encoder = MiniLmEncoder.shared();
        BertScoreConfig config = BertScoreConfig.plain().withIdf(idf);
        if (baselineFile != null) {
            config = config.withBaseline(BertScoreBaseline.read(baselineFile, encoder.name(), encoder.layer()));
        } else if (rescale) {
            Optional<BertScoreBaseline> b = BertScoreBaseline.builtIn(encoder.name(), encoder.layer());
            config = config.withBaseline(b.orElseThrow(() -> new IllegalArgumentException("no built-in baseline for "
                    + encoder.name() + " layer " + encoder.layer() + "; give one with --baseline FILE")));
        }
        return new BertScore(encoder, config);
    }

    private void onlyFor(boolean applies, boolean given, String flag, String metrics) {
        if (given && !applies) {
            throw usage(flag + " applies to " + metrics + " only, not to --metric " + metric);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static String toJson(Object value) {
        try {
            return Json.mapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
    }
}
