package org.pmpdrepro.metrics;

/** Precision, recall and their harmonic mean for one sample, or their means over a corpus. */
public record PrfScore(double precision, double recall, double fmeasure) {

    public static final PrfScore ZERO = new PrfScore(0, 0, 0);

    /** rouge_score's {@code fmeasure}: 0 when both precision and recall are 0. */
    public static PrfScore of(double precision, double recall) {
        double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
        return new PrfScore(precision, recall, f);
    }
}
