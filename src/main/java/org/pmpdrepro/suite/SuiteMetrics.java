package org.pmpdrepro.suite;

import java.util.List;
import org.pmpdrepro.eval.TaskScorer;

/** The metrics every cell is asserted on: all four of the paper's, whichever the task reports first. */
public final class SuiteMetrics {

    /** Rouge-L, BERTScore (all-MiniLM-L6-v2 F1), BLEU (0-1) and SacreBLEU (0-100). */
    public static final List<String> ALL = TaskScorer.ALL_METRICS;

    private SuiteMetrics() {}
}
