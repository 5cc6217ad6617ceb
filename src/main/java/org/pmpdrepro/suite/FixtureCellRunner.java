package org.pmpdrepro.suite;

import java.util.List;
import org.pmpdrepro.decode.IntraOpThreads;

/**
 * Runs cells in this JVM on a model directory (the committed fixture model by default): a {@link CellDecoder}
 * decodes them and {@link CellScoring} scores them. Work is shared: the model is opened once, each back-bone is
 * quantized once, a (task, back-bone, plan) decode happens once and its scores are computed once, however many
 * cells ask for them.
 */
public final class FixtureCellRunner implements CellRunner {

    private final CellDecoder decoder;
    private final CellScoring scoring = CellScoring.defaults();

    public FixtureCellRunner(SuiteRegistry registry, SuiteSettings settings) {
        this.decoder = new CellDecoder(registry, settings);
    }

    @Override
    public void plan(List<Cell> cells) {
        decoder.plan(cells);
    }

    @Override
    public CellOutcome run(Cell cell) {
        return scoring.outcome(decoder.decode(cell));
    }

    @Override
    public synchronized Variant runVariant(Cell cell) {
        int threads = IntraOpThreads.current();
        SuiteSettings.Numerics other = decoder.settings().numericsVariant(threads);
        // The thread count is process-wide: set for the rerun only, and restored whatever happens.
        IntraOpThreads.set(other.intraOpThreads());
        try {
            return new Variant(other.description(),
                    scoring.rerunOutcome(decoder.decodeAgain(cell, other.batchSize())));
        } finally {
            IntraOpThreads.set(threads);
        }
    }

    @Override
    public RunEnvironment environment() {
        return decoder.environment();
    }

    @Override
    public void close() {
        decoder.close();
    }
}
