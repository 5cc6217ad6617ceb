package org.pmpdrepro.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Human and machine-readable renderings of scores. Text lines follow sacrebleu's
 * {@code NAME|signature = score ...} layout so a reader can compare them with sacrebleu's output; JSON
 * maps keep full precision.
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

    /** The corpus score as an ordered map for JSON: score, its parts, signature and aggregation. */
    public static Map<String, Object> json(MetricResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", result.metric());
        m.put("score", result.score());
        switch (result) {
            case BleuResult b -> bleuFields(m, b.corpus());
            case RougeResult r -> prfFields(m, r.corpus());
            case BertScoreResult b -> {
                prfFields(m, b.corpus());
                m.put("encoder", b.encoder());
                m.put("layer", b.layer());
                m.put("truncated_texts", b.truncatedTexts());
            }
        }
        m.put("signature", result.signature());
        m.put("aggregation", result.aggregation().description());
        m.put("samples", result.size());
        return m;
    }

    /** Every sample's score as JSON maps, with the corpus signature once around them. */
    public static Map<String, Object> sampleJson(MetricResult result) {
        List<Map<String, Object>> rows = new ArrayList<>(result.size());
        for (int i = 0; i < result.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("index", i);
            row.put("score", result.sampleScores().get(i));
            switch (result) {
                case BleuResult b -> bleuFields(row, b.formula().compute(b.sampleStatistics().get(i)));
                case RougeResult r -> prfFields(row, r.samples().get(i));
                case BertScoreResult b -> prfFields(row, b.samples().get(i));
            }
            rows.add(row);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", result.metric());
        m.put("signature", result.signature());
        m.put("segments", rows);
        return m;
    }

    private static void bleuFields(Map<String, Object> m, BleuScore s) {
        m.put("counts", s.counts());
        m.put("totals", s.totals());
        m.put("precisions", s.precisions());
        m.put("bp", s.brevityPenalty());
        m.put("ratio", s.ratio());
        m.put("hyp_len", s.hypLength());
        m.put("ref_len", s.refLength());
    }

    private static void prfFields(Map<String, Object> m, PrfScore s) {
        m.put("precision", s.precision());
        m.put("recall", s.recall());
        m.put("fmeasure", s.fmeasure());
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

    public static Map<String, Object> json(PairedBootstrap.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("metric", r.metric());
        m.put("signature", r.signatureWithBootstrap());
        m.put("samples", r.samples());
        m.put("resamples", r.resamples());
        m.put("seed", r.seed());
        m.put("baseline_score", r.baselineScore());
        m.put("system_score", r.systemScore());
        m.put("difference", r.observedDifference());
        m.put("mean_difference", r.meanDifference());
        m.put("ci_lower", r.ciLower());
        m.put("ci_upper", r.ciUpper());
        m.put("p_value", r.pValue());
        m.put("sacrebleu_p_value", r.sacrebleuPValue());
        m.put("standard_error", r.standardError());
        m.put("baseline_mean", r.baselineMean());
        m.put("baseline_ci", r.baselineCi());
        m.put("system_mean", r.systemMean());
        m.put("system_ci", r.systemCi());
        return m;
    }
}
