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
    public synchronized Variant runVariant(Cell cell, SuiteSettings.Numerics numerics) {
        DecodeConfiguration main = configuration();
        int threads = IntraOpThreads.current();
        // The thread count is process-wide: set for the rerun only, and restored whatever happens.
        IntraOpThreads.set(numerics.intraOpThreads());
        try {
            return new Variant(main.with(numerics.intraOpThreads(), numerics.batchSize()),
                    scoring.rerunOutcome(decoder.decodeAgain(cell, numerics.batchSize())));
        } finally {
            IntraOpThreads.set(threads);
        }
    }

    @Override
    public DecodeConfiguration configuration() {
        RunEnvironment env = decoder.environment();
        return new DecodeConfiguration(CellRunners.IN_PROCESS, env.device(), env.backend(),
                DecodeConfiguration.thisCpu(), IntraOpThreads.current(), decoder.settings().batchSize());
    }

    @Override
    public java.util.List<org.pmpdrepro.metrics.MetricResult> score(CellOutcome outcome,
            java.util.List<String> hypotheses) {
        return scoring.score(outcome, hypotheses);
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
