package org.pmpdrepro.metrics;

import java.util.List;

/**
 * A corpus BLEU (sacrebleu or the {@code evaluate} bleu) with per-sample statistics and sentence scores.
 *
 * @param formula the configuration, which recomputes scores from statistics (bootstrap resamples)
 * @param corpus the corpus score, from statistics summed over all samples
 * @param sampleStatistics each sample's n-gram statistics
 * @param sampleScores each sample's sentence BLEU under the same configuration
 */
public record BleuResult(String metric, String signature, BleuFormula formula, BleuScore corpus,
        List<NgramStatistics> sampleStatistics, List<Double> sampleScores) implements MetricResult {

    public BleuResult {
        sampleStatistics = List.copyOf(sampleStatistics);
        sampleScores = List.copyOf(sampleScores);
        if (sampleStatistics.size() != sampleScores.size()) {
            throw new IllegalArgumentException(sampleStatistics.size() + " sample statistics but " + sampleScores.size()
                    + " sample scores");
        }
    }

    @Override
    public double score() {
        return corpus.score();
    }

    @Override
    public Aggregation aggregation() {
        return Aggregation.CORPUS_STATISTICS;
    }

    @Override
    public double resampledScore(int[] indices) {
        return formula.compute(NgramStatistics.sum(sampleStatistics, indices)).score();
    }
}
