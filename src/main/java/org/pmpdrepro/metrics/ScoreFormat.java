package org.pmpdrepro.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import org.pmpdrepro.io.JsonBinding;

/**
 * Human and machine-readable renderings of scores. Text lines follow sacrebleu's
 * {@code NAME|signature = score ...} layout so a reader can compare them with sacrebleu's output; JSON
 * records keep full precision.
 */
public final class ScoreFormat {

    private ScoreFormat() {}

    /** One line for a corpus score, e.g. {@code BLEU|nrefs:1|...|version:2.6.0+pmpd = 48.53 82.4/...}. */
    public static String text(MetricResult result) {
        return switch (result) {
            case BleuResult b -> bleuLine(b, b.corpus());
            case RougeResult r -> prfLine(r.signature(), r.corpus(), r.size());
            case BertScoreResult b -> prfLine(b.signature(), b.corpus(), b.size());
        };
    }

    /** One line for sample {@code i}, in the same layout as the corpus line. */
    public static String sampleText(MetricResult result, int i) {
        return switch (result) {
            case BleuResult b -> bleuLine(b, b.formula().compute(b.sampleStatistics().get(i)));
            case RougeResult r -> prfLine(r.signature(), r.samples().get(i), 1);
            case BertScoreResult b -> prfLine(b.signature(), b.samples().get(i), 1);
        };
    }

    private static String bleuLine(BleuResult r, BleuScore s) {
        boolean sacre = r.formula() instanceof SacreBleuConfig;
        String prec = String.join("/", s.precisions().stream().map(p -> PyText.fixed(p, sacre ? 1 : 4)).toList());
        return (sacre ? "BLEU" : "bleu") + "|" + r.signature() + " = " + PyText.fixed(s.score(), sacre ? 2 : 4) + " " + prec
                + " (BP = " + PyText.fixed(s.brevityPenalty(), 3) + " ratio = " + PyText.fixed(s.ratio(), 3) + " hyp_len = "
                + s.hypLength() + " ref_len = " + s.refLength() + ")";
    }

    private static String prfLine(String signature, PrfScore s, int n) {
        return signature + " = " + PyText.fixed(s.fmeasure(), 4) + " (P = " + PyText.fixed(s.precision(), 4) + " R = "
                + PyText.fixed(s.recall(), 4) + " F = " + PyText.fixed(s.fmeasure(), 4)
                + (n > 1 ? ", n = " + n + ", " + Aggregation.MEAN_OF_SAMPLES.description() : "") + ")";
    }

    /** The parts of a score after its value in JSON: BLEU's counts and lengths, or precision, recall and F. */
    public sealed interface Parts permits BleuParts, PrfParts, BertScoreParts {}

    /** BLEU's parts: n-gram counts, totals and precisions, brevity penalty, length ratio and lengths. */
    @JsonPropertyOrder({"counts", "totals", "precisions", "bp", "ratio", "hyp_len", "ref_len"})
    public record BleuParts(List<Integer> counts, List<Integer> totals, List<Double> precisions, Double bp,
            Double ratio, @JsonProperty("hyp_len") int hypLen, @JsonProperty("ref_len") int refLen)
            implements Parts {}

    /** Precision, recall and F-measure (ROUGE, BERTScore). */
    @JsonPropertyOrder({"precision", "recall", "fmeasure"})
    public record PrfParts(Double precision, Double recall, Double fmeasure) implements Parts {}

    /** BERTScore's parts: precision, recall and F, then the encoder and layer and how many texts it cut. */
    @JsonPropertyOrder({"prf", "encoder", "layer", "truncated_texts"})
    public record BertScoreParts(@JsonUnwrapped PrfParts prf, String encoder, int layer,
            @JsonProperty("truncated_texts") int truncatedTexts) implements Parts {}

    /** A corpus score for JSON: the value, its parts, signature, aggregation and number of samples. */
    @JsonPropertyOrder({"metric", "score", "parts", "signature", "aggregation", "samples"})
    public record CorpusScore(String metric, Double score, @JsonUnwrapped Parts parts, String signature,
            String aggregation, int samples) {}

    /** One sample's score with its parts. */
    @JsonPropertyOrder({"index", "score", "parts"})
    public record SegmentScore(int index, double score, @JsonUnwrapped Parts parts) {}

    /** Every sample's score, with the corpus signature once around them. */
    @JsonPropertyOrder({"metric", "signature", "segments"})
    public record SegmentScores(String metric, String signature, List<SegmentScore> segments) {}

    /** The corpus score for JSON; a number that is not finite stays NaN (Jackson writes it as a string). */
    public static CorpusScore json(MetricResult result) {
        return json(result, v -> v);
    }

    /** The corpus score for JSON with every score that is not finite as null. */
    public static CorpusScore jsonFiniteOrNull(MetricResult result) {
        return json(result, JsonBinding::finiteOrNull);
    }

    private static CorpusScore json(MetricResult result, DoubleFunction<Double> number) {
        Parts parts = switch (result) {
            case BleuResult b -> bleuParts(b.corpus(), number);
            case RougeResult r -> prfParts(r.corpus(), number);
            case BertScoreResult b -> new BertScoreParts(prfParts(b.corpus(), number), b.encoder(), b.layer(),
                    b.truncatedTexts());
        };
        return new CorpusScore(result.metric(), number.apply(result.score()), parts, result.signature(),
                result.aggregation().description(), result.size());
    }

    /** Every sample's score for JSON. */
    public static SegmentScores sampleJson(MetricResult result) {
        List<SegmentScore> rows = new ArrayList<>(result.size());
        for (int i = 0; i < result.size(); i++) {
            Parts parts = switch (result) {
                case BleuResult b -> bleuParts(b.formula().compute(b.sampleStatistics().get(i)), v -> v);
                case RougeResult r -> prfParts(r.samples().get(i), v -> v);
                case BertScoreResult b -> prfParts(b.samples().get(i), v -> v);
            };
            rows.add(new SegmentScore(i, result.sampleScores().get(i), parts));
        }
        return new SegmentScores(result.metric(), result.signature(), rows);
    }

    private static BleuParts bleuParts(BleuScore s, DoubleFunction<Double> number) {
        return new BleuParts(s.counts(), s.totals(), s.precisions(), number.apply(s.brevityPenalty()),
                number.apply(s.ratio()), s.hypLength(), s.refLength());
    }

    private static PrfParts prfParts(PrfScore s, DoubleFunction<Double> number) {
        return new PrfParts(number.apply(s.precision()), number.apply(s.recall()), number.apply(s.fmeasure()));
    }

    /** A paired bootstrap comparison in a few lines, with sacrebleu's μ ± notation. */
    public static String text(PairedBootstrap.Result r, String baselineName, String systemName) {
        int digits = r.metric().equals("sacrebleu") ? 2 : 4;
        return "paired bootstrap: " + r.metric() + "|" + r.signatureWithBootstrap() + "\n"
                + "  baseline " + baselineName + ": " + PyText.fixed(r.baselineScore(), digits) + " (μ = "
                + PyText.fixed(r.baselineMean(), digits) + " ± " + PyText.fixed(r.baselineCi(), digits) + ")\n"
                + "  system   " + systemName + ": " + PyText.fixed(r.systemScore(), digits) + " (μ = "
                + PyText.fixed(r.systemMean(), digits) + " ± " + PyText.fixed(r.systemCi(), digits) + ")\n"
                + "  difference (system - baseline): " + PyText.fixed(r.observedDifference(), digits) + ", bootstrap mean "
                + PyText.fixed(r.meanDifference(), digits) + ", 95% CI [" + PyText.fixed(r.ciLower(), digits) + ", "
                + PyText.fixed(r.ciUpper(), digits) + "], sacrebleu's p = " + PyText.fixed(r.sacrebleuPValue(), 4)
                + " (its --paired-bs statistic, one-sided in effect), two-sided p = " + PyText.fixed(r.pValue(), 4);
    }

    /** A paired bootstrap comparison for JSON. */
    public static PairedBootstrapJson json(PairedBootstrap.Result r) {
        return new PairedBootstrapJson(r.metric(), r.signatureWithBootstrap(), r.samples(), r.resamples(), r.seed(),
                r.baselineScore(), r.systemScore(), r.observedDifference(), r.meanDifference(), r.ciLower(),
                r.ciUpper(), r.pValue(), r.sacrebleuPValue(), r.standardError(), r.baselineMean(), r.baselineCi(),
                r.systemMean(), r.systemCi());
    }

    /** A paired bootstrap comparison: both scores, the difference with its interval, and the two p-values. */
    @JsonPropertyOrder({"metric", "signature", "samples", "resamples", "seed", "baseline_score", "system_score",
        "difference", "mean_difference", "ci_lower", "ci_upper", "p_value", "sacrebleu_p_value", "standard_error",
        "baseline_mean", "baseline_ci", "system_mean", "system_ci"})
    public record PairedBootstrapJson(String metric, String signature, int samples, int resamples, long seed,
            @JsonProperty("baseline_score") double baselineScore, @JsonProperty("system_score") double systemScore,
            double difference, @JsonProperty("mean_difference") double meanDifference,
            @JsonProperty("ci_lower") double ciLower, @JsonProperty("ci_upper") double ciUpper,
            @JsonProperty("p_value") double pValue, @JsonProperty("sacrebleu_p_value") double sacrebleuPValue,
            @JsonProperty("standard_error") double standardError,
            @JsonProperty("baseline_mean") double baselineMean, @JsonProperty("baseline_ci") double baselineCi,
            @JsonProperty("system_mean") double systemMean, @JsonProperty("system_ci") double systemCi) {}
}
