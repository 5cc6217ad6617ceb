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

    /**
     * Something that computes {@link #resampledScore} many times over: the per-sample values laid out once in flat
     * arrays, so that a 10,000-resample bootstrap does not walk lists of records. Gives the same numbers as
     * {@link #resampledScore}.
     */
    default Resampler resampler() {
        return this::resampledScore;
    }

    /** The corpus score of a resample of sample indices (repeats allowed). */
    @FunctionalInterface
    interface Resampler {
        double score(int[] indices);
    }

    /** A resampler of a metric whose corpus score is the mean of {@code values}. */
    static Resampler meanOf(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        return indices -> {
            double sum = 0;
            for (int i : indices) {
                sum += v[i];
            }
            return sum / indices.length;
        };
    }
}
