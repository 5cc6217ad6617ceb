package org.pmpdrepro.container;

import java.util.Objects;
import org.pmpdrepro.eval.TaskOutputs;

/**
 * What running one cell produced, whichever runner ran it: the decoded outputs with their precision traces and
 * decoding timings ({@link TaskOutputs}), plus the time spent preparing the back-bone.
 *
 * @param cell the cell that was run
 * @param outputs outputs, traces, decode time and throughput
 * @param prepareSeconds wall-clock time to quantize and load the back-bone (0 when an earlier cell of the same job
 *     had prepared it)
 */
public record CellRun(JobCell cell, TaskOutputs outputs, double prepareSeconds) {

    public CellRun {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(outputs, "outputs");
        if (outputs.task() != cell.task()) {
            throw new IllegalArgumentException("cell " + cell.id() + " is a " + cell.task().id()
                    + " cell but its outputs are for " + outputs.task().id());
        }
    }
}
