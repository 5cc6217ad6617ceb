package org.pmpdrepro.metrics;

import java.util.List;

/**
 * A BLEU value with the statistics it came from, as sacrebleu's {@code BLEUScore} reports it.
 *
 * @param score the BLEU value on the formula's own scale (sacrebleu: 0-100, the {@code evaluate} bleu: 0-1)
 * @param precisions n-gram precisions on the same scale, after smoothing
 * @param brevityPenalty the brevity penalty factor
 * @param hypLength total hypothesis tokens
 * @param refLength total effective reference tokens
 * @param counts clipped n-gram matches per order (before any add-k smoothing)
 * @param totals hypothesis n-grams per order (before any add-k smoothing)
 */
public record BleuScore(double score, List<Double> precisions, double brevityPenalty, int hypLength, int refLength,
        List<Integer> counts, List<Integer> totals) {

    public BleuScore {
        precisions = List.copyOf(precisions);
        counts = List.copyOf(counts);
        totals = List.copyOf(totals);
    }

    /** Hypothesis length over reference length; 0 when the reference side is empty (as sacrebleu). */
    public double ratio() {
        return refLength == 0 ? 0 : (double) hypLength / refLength;
    }
}
