package org.pmpdrepro.eval;

import java.util.List;
import java.util.Objects;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;

/**
 * Everything one task's evaluation produced: the model's outputs, what they were scored against, the scores, and
 * the trivial baselines scored the same way (possibly none).
 */
public record TaskResult(Split split, TaskOutputs outputs, References references, TaskScores scores,
        List<BaselineResult> baselines) {

    public TaskResult {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(references, "references");
        Objects.requireNonNull(scores, "scores");
        baselines = List.copyOf(baselines);
        if (references.size() != outputs.size()) {
            throw new IllegalArgumentException(outputs.task().id() + ": " + outputs.size() + " outputs but "
                    + references.size() + " references");
        }
        if (scores.task() != outputs.task() || !scores.scoredAgainst().equals(references.label())) {
            throw new IllegalArgumentException(outputs.task().id() + ": scores are for " + scores.task().id()
                    + " against '" + scores.scoredAgainst() + "', references are '" + references.label() + "'");
        }
    }

    public Task task() {
        return outputs.task();
    }
}
