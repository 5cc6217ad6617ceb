package org.pmpdrepro.suite;

import org.pmpdrepro.container.CellRun;
import org.pmpdrepro.container.JobCell;

/**
 * A suite {@link Cell} as the container job protocol carries it and back: the protocol names the ablation by its id
 * ({@code a1}); both sides share the pair (which the protocol's files spell {@code 4-3}, the suite's {@code 4>3}).
 */
public final class JobCells {

    private JobCells() {}

    public static JobCell of(Cell cell) {
        return new JobCell(cell.ablation().id(), cell.task(), cell.backbone(), cell.pair(), cell.scheduler());
    }

    /**
     * The suite cell of {@code job}.
     *
     * @throws IllegalArgumentException naming the cell and the field when it is no cell of the suite (an unknown
     *     ablation, a name the suite's cells cannot carry)
     */
    public static Cell cell(JobCell job) {
        try {
            return new Cell(Ablation.fromId(job.ablation()), job.task(), job.backbone(), job.pair(), job.scheduler());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cell " + job.id() + " is no cell of the suite: " + e.getMessage(), e);
        }
    }

    /**
     * A job's run of {@code cell} (in a container, on a lent machine) as the suite's decode of it, ready to be scored.
     *
     * @throws IllegalStateException when {@code run} is the run of another cell
     */
    public static DecodedCell decoded(Cell cell, CellRun run) {
        JobCell expected = of(cell);
        if (!run.cell().equals(expected)) {
            throw new IllegalStateException("the job returned the run of " + run.cell().id() + " for cell "
                    + expected.id());
        }
        return new DecodedCell(cell, run.outputs(), run.references(), run.accounting().bytesPerToken(),
                run.accounting().residentBytes(), run.prepareSeconds(), run.accounting().decodeShared());
    }
}
