package org.pmpdrepro.suite;

import java.util.Objects;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.TaskOutputs;

/**
 * One cell decoded and accounted for, not yet scored: the half of a cell's run that a decoder container sends back
 * and the host turns into a {@link CellOutcome} exactly as the in-process runner does.
 *
 * @param outputs the outputs with their precision traces; {@code outputs.plan()} is the plan's key
 * @param references what the outputs are to be scored against (debchat: the full-precision model's outputs)
 * @param bytesPerToken mean weight bytes one decode step reads under the plan; NaN where the back-bone cannot say
 * @param residentBytes quantized-matrix bytes resident to serve both precisions of the pair; NaN where unknown
 * @param buildSeconds building the back-bone for this cell; 0 when an earlier cell had built it
 * @param shared whether the decode was made for an earlier cell with the same task, back-bone and plan
 */
public record DecodedCell(Cell cell, TaskOutputs outputs, References references, double bytesPerToken,
        double residentBytes, double buildSeconds, boolean shared) {

    public DecodedCell {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(references, "references");
        if (outputs.task() != cell.task()) {
            throw new IllegalArgumentException(cell.id() + ": outputs are of task " + outputs.task().id());
        }
        if (references.size() != outputs.size()) {
            throw new IllegalArgumentException(cell.id() + ": " + outputs.size() + " outputs but "
                    + references.size() + " references (" + references.label() + ")");
        }
    }

    /** What identifies the decode: equal keys are one decode, so their scores are equal too. */
    public String decodeKey() {
        return cell.task().id() + "/" + cell.backbone() + "/" + outputs.plan();
    }
}
