package org.pmpdrepro.metrics;

/** How a corpus score is formed from its samples. */
public enum Aggregation {
    /**
     * The arithmetic mean of per-sample values. For ROUGE this is what the {@code evaluate} library's
     * default aggregation estimates: it reports the median of 1000 bootstrap means of the per-sample
     * F-measures (rouge_score's {@code BootstrapAggregator}, unseeded), which converges to this mean.
     */
    MEAN_OF_SAMPLES("mean of per-sample scores"),
    /** BLEU's corpus formula applied to n-gram statistics summed over all samples (not a mean of sentence BLEU). */
    CORPUS_STATISTICS("corpus formula over summed n-gram statistics");

    private final String description;

    Aggregation(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
