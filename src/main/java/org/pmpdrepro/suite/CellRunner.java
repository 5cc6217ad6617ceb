package org.pmpdrepro.suite;

/** Runs one cell: decodes its task's prompts with its back-bone and schedule, and scores them. */
public interface CellRunner extends AutoCloseable {

    /**
     * The cell's outcome. Implementations share work across calls (a decode serves every cell with the same task,
     * back-bone and plan), so asking twice is cheap.
     *
     * @throws NotImplementedException when the cell's back-bone or scheduler is not wired yet
     */
    CellOutcome run(Cell cell);

    /**
     * The same cell decoded again under another numerical configuration (another batch size or intra-op thread
     * count for the in-process runner), never from a cache: the difference to {@link #run} is the numerical spread a golden
     * band has to tolerate. Returns a description of the variant with the outcome.
     */
    Variant runVariant(Cell cell);

    /** A rerun and how its numerics differed from the main run ({@code batch size 32 -> 17}). */
    record Variant(String description, CellOutcome outcome) {}

    /** What ran the cells, for golden provenance: device, back-end, model and fixture hashes. */
    RunEnvironment environment();

    @Override
    default void close() {}
}
