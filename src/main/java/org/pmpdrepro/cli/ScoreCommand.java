package org.pmpdrepro.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pmpdrepro.io.JsonBinding;
import org.pmpdrepro.metrics.Corpus;
import org.pmpdrepro.metrics.Metric;
import org.pmpdrepro.metrics.MetricChoice;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.metrics.PairedBootstrap;
import org.pmpdrepro.metrics.ScoreFormat;
import org.pmpdrepro.metrics.SegmentFiles;
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

    static final List<String> METRICS = MetricChoice.METRICS;

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
        MetricChoice choice = choice();
        PrintWriter out = spec.commandLine().getOut();
        // Files first: a bad file is reported before the BERTScore encoder takes seconds to load.
        Corpus corpus = SegmentFiles.readCorpus(hyp, refs);
        Metric m = buildMetric(choice);
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

    /** Flags that do not apply to the chosen metric are refused rather than ignored ({@link MetricChoice}). */
    private MetricChoice choice() {
        MetricChoice c;
        try {
            c = new MetricChoice(metric, tokenize, lowercase, smoothMethod, smoothValue, effectiveOrder, smooth,
                    maxNgramOrder, stemmer, idf, rescale, baselineFile, sentence);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (pairedBaseline != null && sentence) {
            throw usage("--paired-bs compares corpus scores; it cannot be combined with --sentence");
        }
        return c;
    }

    private Metric buildMetric(MetricChoice choice) {
        try {
            return choice.build();
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw usage(e.getMessage());
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** {@code value} as indented JSON, without the final newline ({@code println} adds it). */
    private static String toJson(Object value) {
        return JsonBinding.write(value).stripTrailing();
    }
}
