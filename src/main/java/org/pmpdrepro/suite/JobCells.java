package org.pmpdrepro.suite;

import org.pmpdrepro.container.JobCell;

/**
 * A suite {@link Cell} as the container job protocol carries it and back: the protocol spells a pair
 * {@code 4-3} where the suite writes {@code 4>3}, and names the ablation by its id ({@code a1}).
 */
public final class JobCells {

    private JobCells() {}

    public static JobCell of(Cell cell) {
        return new JobCell(cell.ablation().id(), cell.task(), cell.backbone(),
                new org.pmpdrepro.container.PrecisionPair(cell.pair().high(), cell.pair().low()), cell.scheduler());
    }

    /**
     * The suite cell of {@code job}.
     *
     * @throws IllegalArgumentException naming the cell and the field when it is no cell of the suite (an unknown
     *     ablation, a name the suite's cells cannot carry)
     */
    public static Cell cell(JobCell job) {
        try {
            return new Cell(Ablation.fromId(job.ablation()), job.task(), job.backbone(),
                    new PrecisionPair(job.pair().high(), job.pair().low()), job.scheduler());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cell " + job.id() + " is no cell of the suite: " + e.getMessage(), e);
        }
    }
}
