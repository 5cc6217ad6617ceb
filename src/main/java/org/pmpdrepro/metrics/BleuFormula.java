package org.pmpdrepro.metrics;

/**
 * How a BLEU variant turns summed {@link NgramStatistics} into a score. Being a value (a configuration
 * record), it travels with a result so that bootstrap resamples are scored exactly as the corpus was.
 */
public sealed interface BleuFormula permits SacreBleuConfig, BleuConfig {

    /** The n-gram orders the statistics must carry. */
    int maxOrder();

    /** BLEU from statistics summed over a corpus (or one segment). */
    BleuScore compute(NgramStatistics stats);
}
