package org.pmpdrepro.eval;

import java.util.List;
import java.util.Objects;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;

/**
 * What outputs are scored against, with a label that travels into every result.
 *
 * <p>debsum and debtrans are scored against their dataset references. debchat stands in for MT-Bench, which the
 * paper scores against the fp16 model's own output; against itself the full-precision run scores 1 by definition,
 * so the full-precision run is scored against the human continuation instead and says so.
 *
 * @param label e.g. {@code dataset reference}, {@code human continuation}, {@code full-precision output}
 * @param texts one reference per sample, in sample order
 */
public record References(String label, List<String> texts) {

    public static final String DATASET = "dataset reference";
    public static final String HUMAN_CONTINUATION = "human continuation";
    public static final String FULL_PRECISION = "full-precision output";

    public References {
        Objects.requireNonNull(label, "label");
        texts = List.copyOf(texts);
    }

    /** The fixture references of {@code examples}; labelled as the human continuation for debchat. */
    public static References dataset(List<TaskExample> examples) {
        return dataset(TaskRun.taskOf(examples), examples.stream().map(TaskExample::reference).toList());
    }

    /** The references carried by a run's samples (the examples' fixture references). */
    public static References dataset(TaskOutputs outputs) {
        return dataset(outputs.task(), outputs.references());
    }

    /** Fixture references of {@code task}; labelled as the human continuation for debchat. */
    public static References dataset(Task task, List<String> texts) {
        return new References(task == Task.DEBCHAT ? HUMAN_CONTINUATION : DATASET, texts);
    }

    /** A full-precision run's post-processed outputs, as debchat's (MT-Bench's) scoring uses them. */
    public static References fullPrecision(TaskOutputs fullPrecisionRun) {
        return new References(FULL_PRECISION, fullPrecisionRun.outputs());
    }

    public int size() {
        return texts.size();
    }
}
