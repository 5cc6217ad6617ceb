package org.pmpdrepro.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.metrics.BertScore;
import org.pmpdrepro.metrics.Bleu;
import org.pmpdrepro.metrics.Corpus;
import org.pmpdrepro.metrics.Metric;
import org.pmpdrepro.metrics.MetricResult;
import org.pmpdrepro.metrics.Rouge;
import org.pmpdrepro.metrics.RougeType;
import org.pmpdrepro.metrics.SacreBleu;

/**
 * Scores outputs with all four of the paper's metrics, the task's own first: Rouge-L ({@code rougeL}, Porter
 * stemmer on, as the paper's {@code use_stemmer=True}), BERTScore F1 (all-MiniLM-L6-v2, named in its signature),
 * BLEU ({@code evaluate}'s, 0-1) and SacreBLEU (sacrebleu 2.x defaults, 0-100).
 *
 * <p>BERTScore runs a transformer over every text (about 80 samples a second on a CPU), so it can be switched off;
 * the encoder is loaded on first use only.
 */
public final class TaskScorer {

    /** Every metric in the order used when a task's own metrics do not decide it. */
    public static final List<String> ALL_METRICS = List.of("rougeL", "bertscore", "bleu", "sacrebleu");

    /** @param bertScore compute BERTScore (slow); when off, the other three metrics are still computed */
    public record Config(boolean bertScore) {
        public static Config defaults() {
            return new Config(true);
        }

        public Config withBertScore(boolean on) {
            return new Config(on);
        }
    }

    private final Config config;

    public TaskScorer(Config config) {
        this.config = config;
    }

    public static TaskScorer defaults() {
        return new TaskScorer(Config.defaults());
    }

    public Config config() {
        return config;
    }

    /** The metric names this scorer computes for {@code task}, in result order. */
    public List<String> metricNames(Task task) {
        LinkedHashSet<String> names = new LinkedHashSet<>(task.metrics());
        names.addAll(ALL_METRICS);
        List<String> out = new ArrayList<>(names);
        if (!config.bertScore()) {
            out.remove("bertscore");
        }
        return out;
    }

    /** Scores a run's post-processed outputs against {@code references}. */
    public TaskScores score(TaskOutputs outputs, References references) {
        return score(outputs.task(), outputs.outputs(), references);
    }

    /** Scores a baseline against the fixture references it carries. */
    public TaskScores score(BaselineOutputs baseline) {
        return score(baseline.task(), baseline.outputs(), References.dataset(baseline.task(), baseline.references()));
    }

    /** Scores {@code hypotheses} against {@code references}, one each, in the same order. */
    public TaskScores score(Task task, List<String> hypotheses, References references) {
        if (hypotheses.size() != references.size()) {
            throw new IllegalArgumentException(task.id() + ": " + hypotheses.size() + " outputs but "
                    + references.size() + " references (" + references.label() + ")");
        }
        Corpus corpus = Corpus.singleReference(hypotheses, references.texts());
        List<MetricResult> results = new ArrayList<>();
        for (String name : metricNames(task)) {
            results.add(metric(name).score(corpus));
        }
        return new TaskScores(task, references.label(), results);
    }

    private static Metric metric(String name) {
        return switch (name) {
            case "rougeL" -> Rouge.of(RougeType.ROUGE_L, true);
            case "bertscore" -> BertScore.miniLm();
            case "bleu" -> Bleu.defaults();
            case "sacrebleu" -> SacreBleu.defaults();
            default -> throw new IllegalArgumentException("task metric '" + name + "' is not one of " + ALL_METRICS);
        };
    }
}
