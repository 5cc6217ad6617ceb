package org.pmpdrepro.metrics;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A metric named with its options, as {@code pmpd score} takes them, turned into a {@link Metric}: which option
 * applies to which metric, the defaults, and the construction. An option given to a metric it does not apply to is
 * refused rather than ignored; every refusal is an {@link IllegalArgumentException} whose message names the option.
 *
 * @param metric one of {@link #METRICS}
 * @param tokenize sacrebleu's tokenizer by name, null for its default (13a)
 * @param lowercase sacrebleu: lower-case hypotheses and references
 * @param smoothMethod sacrebleu's smoothing by name, null for its default (exp)
 * @param smoothValue the value of floor or add-k smoothing, null for the method's default
 * @param effectiveOrder sacrebleu: stop at the highest order the hypothesis has
 * @param smooth bleu: add-one smoothing of every order
 * @param maxNgramOrder BLEU's n-gram order, null for 4
 * @param stemmer ROUGE: Porter-stem tokens longer than 3 characters
 * @param idf bertscore: idf weights from the reference corpus
 * @param rescale bertscore: rescale with the encoder's built-in baseline
 * @param baselineFile bertscore: rescale with this baseline file, null for none
 * @param sentence scores per segment (sacrebleu then uses effective order, as its sentence_bleu does)
 */
public record MetricChoice(String metric, String tokenize, boolean lowercase, String smoothMethod, Double smoothValue,
        boolean effectiveOrder, boolean smooth, Integer maxNgramOrder, boolean stemmer, boolean idf, boolean rescale,
        Path baselineFile, boolean sentence) {

    /** The metrics {@code pmpd score} offers. */
    public static final List<String> METRICS = List.of("rougeL", "rougeLsum", "rouge1", "rouge2", "bleu", "sacrebleu",
            "bertscore");

    /**
     * Checks the name and that every option given applies to the metric; construction checks the values.
     *
     * @throws IllegalArgumentException naming the option that does not apply, or the unknown metric
     */
    public MetricChoice {
        if (metric == null || !METRICS.contains(metric)) {
            throw new IllegalArgumentException("--metric '" + metric + "' is not one of " + METRICS);
        }
        boolean isSacre = metric.equals("sacrebleu");
        boolean isBleu = metric.equals("bleu");
        boolean isRouge = metric.startsWith("rouge");
        boolean isBert = metric.equals("bertscore");
        onlyFor(metric, isSacre, tokenize != null, "--tokenize", "sacrebleu");
        onlyFor(metric, isSacre, lowercase, "--lowercase", "sacrebleu");
        onlyFor(metric, isSacre, smoothMethod != null, "--smooth-method", "sacrebleu");
        onlyFor(metric, isSacre, smoothValue != null, "--smooth-value", "sacrebleu");
        onlyFor(metric, isSacre, effectiveOrder, "--effective-order", "sacrebleu");
        onlyFor(metric, isBleu, smooth, "--smooth", "bleu");
        onlyFor(metric, isSacre || isBleu, maxNgramOrder != null, "--max-ngram-order", "sacrebleu and bleu");
        onlyFor(metric, isRouge, stemmer, "--stemmer", "the rouge metrics");
        onlyFor(metric, isBert, idf, "--idf", "bertscore");
        onlyFor(metric, isBert, rescale, "--rescale-with-baseline", "bertscore");
        onlyFor(metric, isBert, baselineFile != null, "--baseline", "bertscore");
        if (smoothValue != null && !Double.isFinite(smoothValue)) {
            // NaN would otherwise mean "the method's default" to the configuration, silently.
            throw new IllegalArgumentException("--smooth-value " + smoothValue + ": expected a positive finite number");
        }
    }

    private static void onlyFor(String metric, boolean applies, boolean given, String flag, String metrics) {
        if (given && !applies) {
            throw new IllegalArgumentException(flag + " applies to " + metrics + " only, not to --metric " + metric);
        }
    }

    /**
     * The metric. BERTScore loads its encoder here (seconds), so callers check their inputs first.
     *
     * @throws IllegalArgumentException for a value no metric takes (an unknown tokenizer or smoothing, an order
     *     below 1, a baseline file that does not fit the encoder)
     * @throws java.io.UncheckedIOException when BERTScore's encoder or a baseline file cannot be read
     */
    public Metric build() {
        return switch (metric) {
            case "sacrebleu" -> sacreBleu();
            case "bleu" -> new Bleu(new BleuConfig(maxNgramOrder == null ? 4 : maxNgramOrder, smooth));
            case "bertscore" -> bertScore();
            default -> Rouge.of(RougeType.byName(metric), stemmer);
        };
    }

    private SacreBleu sacreBleu() {
        SacreBleuConfig c = SacreBleuConfig.defaults().withLowercase(lowercase)
                .withEffectiveOrder(effectiveOrder || sentence);
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
}
