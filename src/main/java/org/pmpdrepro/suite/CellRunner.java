package org.pmpdrepro.suite;

import java.util.List;

/**
 * Runs one cell: decodes its task's prompts with its back-bone and schedule, and scores them. The in-process
 * runner is {@link FixtureCellRunner}; others are found with {@link CellRunners} ({@code -Dpmpd.runner}).
 */
public interface CellRunner extends AutoCloseable {

    /**
     * The cells the session will ask for, told as soon as it knows them (each ablation's selection), so a runner
     * with a high fixed cost per call (a container per job) can run them together. Cells may be planned more than
     * once and {@link #run} may still be asked for cells never planned. Does nothing by default.
     */
    default void plan(List<Cell> cells) {}

    /**
     * The cell's outcome. Implementations share work across calls (a decode serves every cell with the same task,
     * back-bone and plan), so asking twice is cheap.
     *
     * @throws NotImplementedException when the cell's back-bone or scheduler is not wired yet
     */
    CellOutcome run(Cell cell);

    /**
     * The same cell decoded again under another numerical configuration (another batch size or intra-op thread
     * count, {@link SuiteSettings#numericsVariant}), never from the main run's decodes: the difference to
     * {@link #run} is the numerical spread a golden band has to tolerate. Returns a description of the variant with
     * the outcome.
     */
    Variant runVariant(Cell cell);

    /** A rerun and how its numerics differed from the main run ({@code batch size 32 -> 17}). */
    record Variant(String description, CellOutcome outcome) {}

    /** What ran the cells, for golden provenance: device, back-end, model and fixture hashes. */
    RunEnvironment environment();

    @Override
    default void close() {}
}
