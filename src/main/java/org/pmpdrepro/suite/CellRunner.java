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
     * The same cell decoded again under other numerics (another batch size or intra-op thread count), never from
     * the main run's decodes: update mode measures the configuration grid's spread with it
     * ({@link ConfigurationSpread}). Returns the configuration it ran on with the outcome.
     */
    Variant runVariant(Cell cell, SuiteSettings.Numerics numerics);

    /** A rerun and the configuration it ran on. */
    record Variant(DecodeConfiguration configuration, CellOutcome outcome) {}

    /**
     * {@code hypotheses} scored against {@code outcome}'s references exactly as {@code outcome} was scored: the golden
     * texts of its cell, for the paired difference of new against golden.
     */
    List<org.pmpdrepro.metrics.MetricResult> score(CellOutcome outcome, List<String> hypotheses);

    /** What ran the cells, for golden provenance: device, back-end, model and fixture hashes. */
    RunEnvironment environment();

    /**
     * The configuration the main run decodes on (runner, device, back-end, CPU, threads, batch size): a golden made on
     * an equal one is held to identical outputs.
     */
    DecodeConfiguration configuration();

    @Override
    default void close() {}
}
