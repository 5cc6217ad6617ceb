package org.pmpdrepro.metrics;

import java.util.List;

/** A corpus score with the per-sample values behind it and the configuration that produced it. */
public sealed interface MetricResult permits RougeResult, BleuResult, BertScoreResult {

    /** The metric's name as the {@code score} command takes it ({@code rougeL}, {@code sacrebleu}, ...). */
    String metric();

    /** The configuration as a {@code key:value|...} string; two scores compare only if these are equal. */
    String signature();

    /** The corpus score on the metric's own scale. */
    double score();

    Aggregation aggregation();

    /** One headline value per sample, in corpus order (F-measure, or sentence BLEU under the same configuration). */
    List<Double> sampleScores();

    default int size() {
        return sampleScores().size();
    }

    /**
     * The corpus score of a resample: the samples at {@code indices} (repeats allowed), aggregated the way
     * {@link #score()} aggregates all of them.
     */
    double resampledScore(int[] indices);
}
