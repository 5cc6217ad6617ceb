package org.pmpdrepro.eval;

import java.util.Objects;

/** A trivial baseline's outputs and their scores. */
public record BaselineResult(BaselineOutputs outputs, TaskScores scores) {

    public BaselineResult {
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(scores, "scores");
        if (outputs.task() != scores.task()) {
            throw new IllegalArgumentException("baseline " + outputs.name() + " answers " + outputs.task().id()
                    + " but its scores are for " + scores.task().id());
        }
    }

    public String name() {
        return outputs.name();
    }
}
