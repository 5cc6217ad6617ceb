package org.pmpdrepro.metrics;

/** Scores hypotheses against references. Knows nothing of models or decoding: it scores strings. */
public sealed interface Metric permits Rouge, SacreBleu, Bleu, BertScore {

    /** The metric's name as the {@code score} command takes it. */
    String name();

    MetricResult score(Corpus corpus);
}
