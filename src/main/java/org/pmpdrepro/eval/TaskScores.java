package org.pmpdrepro.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.metrics.MetricResult;

/**
 * The scores of one system's outputs on one task.
 *
 * @param scoredAgainst the {@link References#label()} the outputs were compared with
 * @param results every metric computed, the task's own metrics first; each keeps its per-sample scores (for
 *     paired bootstrap) and signature
 */
public record TaskScores(Task task, String scoredAgainst, List<MetricResult> results) {

    public TaskScores {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(scoredAgainst, "scoredAgainst");
        results = List.copyOf(results);
    }

    /** Metric name → corpus score, in {@link #results} order. */
    public Map<String, Double> values() {
        Map<String, Double> m = new LinkedHashMap<>();
        results.forEach(r -> m.put(r.metric(), r.score()));
        return Collections.unmodifiableMap(m);
    }

    /** The result of {@code metric} ({@code rougeL}, {@code bertscore}, {@code bleu}, {@code sacrebleu}), if computed. */
    public Optional<MetricResult> result(String metric) {
        return results.stream().filter(r -> r.metric().equals(metric)).findFirst();
    }

    /** The corpus score of {@code metric}; an error naming the metrics present when it was not computed. */
    public double value(String metric) {
        return result(metric).map(MetricResult::score).orElseThrow(() -> new IllegalArgumentException(
                "metric '" + metric + "' was not computed for " + task.id() + "; computed: " + values().keySet()));
    }

    /** Whether {@code metric} is one the paper reports for the benchmark this task stands in for. */
    public boolean isPrimary(String metric) {
        return task.metrics().contains(metric);
    }
}
