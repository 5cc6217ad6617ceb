package org.pmpdrepro.suite;

import java.util.List;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.eval.TaskScorer;

/** The metrics every cell is asserted on: all four of the paper's, whichever the task reports first. */
public final class SuiteMetrics {

    /** Rouge-L, BERTScore (all-MiniLM-L6-v2 F1), BLEU (0-1) and SacreBLEU (0-100). */
    public static final List<String> ALL = TaskScorer.ALL_METRICS;

    /**
     * BLEU as the {@code evaluate} library computes it equals SacreBLEU / 100 with this project's 13a tokenisation
     * and one reference, in every cell; it is kept (the ablation plan names it) but counted once, as SacreBLEU.
     */
    public static final String DUPLICATE_OF_SACREBLEU = "bleu";

    private SuiteMetrics() {}

    /** The task's headline metric, on which the claims and the corrected findings are judged. */
    public static String headline(Task task) {
        return task == Task.DEBTRANS ? "sacrebleu" : "rougeL";
    }
}
