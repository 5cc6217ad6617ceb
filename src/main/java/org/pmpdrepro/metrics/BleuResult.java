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

    /** Summed statistics from columns of ints (one per length and per order's matches and totals). */
    @Override
    public Resampler resampler() {
        int n = sampleStatistics.size();
        int order = sampleStatistics.getFirst().maxOrder();
        int[] hyp = new int[n];
        int[] ref = new int[n];
        int[][] m = new int[order][n];
        int[][] t = new int[order][n];
        for (int i = 0; i < n; i++) {
            NgramStatistics s = sampleStatistics.get(i);
            hyp[i] = s.hypLength();
            ref[i] = s.refLength();
            for (int k = 0; k < order; k++) {
                m[k][i] = s.match(k + 1);
                t[k][i] = s.total(k + 1);
            }
        }
        return indices -> {
            int h = 0;
            int r = 0;
            int[] ms = new int[order];
            int[] ts = new int[order];
            for (int i : indices) {
                h += hyp[i];
                r += ref[i];
            }
            for (int k = 0; k < order; k++) {
                int[] mk = m[k];
                int[] tk = t[k];
                int sm = 0;
                int st = 0;
                for (int i : indices) {
                    sm += mk[i];
                    st += tk[i];
                }
                ms[k] = sm;
                ts[k] = st;
            }
            return formula.compute(new NgramStatistics(h, r, ms, ts)).score();
        };
    }
}
