package org.pmpdrepro.suite;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.eval.TaskScorer;
import org.pmpdrepro.eval.TaskScores;
import org.pmpdrepro.metrics.MetricResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scoring half of running a cell, the same for every runner: a {@link DecodedCell}, wherever it was decoded,
 * is scored on this JVM with all metrics against its references and becomes a {@link CellOutcome}. A decode's
 * scores are computed once and shared by every cell with the same {@link DecodedCell#decodeKey()} and the same
 * outputs and references (decodes made in different containers are compared, not assumed equal).
 */
public final class CellScoring {

    private static final Logger LOG = LoggerFactory.getLogger(CellScoring.class);

    private record Scored(TaskScores scores, double seconds) {}

    private record ScoreKey(String decode, List<String> outputs, References references) {}

    private final TaskScorer scorer;
    private final Map<ScoreKey, Scored> scored = new HashMap<>();

    public CellScoring(TaskScorer scorer) {
        this.scorer = scorer;
    }

    /** The scorer every outcome is scored with. */
    public TaskScorer scorer() {
        return scorer;
    }

    /** {@code hypotheses} scored against {@code outcome}'s references, as {@code outcome} was. */
    public List<MetricResult> score(CellOutcome outcome, List<String> hypotheses) {
        return scorer.score(outcome.cell().task(), hypotheses,
                new References(outcome.referencesLabel(), outcome.references())).results();
    }

    /** All four metrics, BERTScore included. */
    public static CellScoring defaults() {
        return new CellScoring(TaskScorer.defaults());
    }

    /**
     * The cell's outcome; its timings charge the build, the decode and the scoring to the first cell that needed
     * them and report zero (and {@code decodeShared}) for the cells that reused them.
     */
    public synchronized CellOutcome outcome(DecodedCell d) {
        ScoreKey key = new ScoreKey(d.decodeKey(), d.outputs().outputs(), d.references());
        Scored s = scored.get(key);
        boolean scoredBefore = s != null;
        if (!scoredBefore) {
            s = score(d);
            scored.put(key, s);
        }
        return outcome(d, s.scores(), new CellOutcome.Timings(d.buildSeconds(),
                d.shared() ? 0 : d.outputs().seconds(), scoredBefore ? 0 : s.seconds(), d.shared()));
    }

    /** The outcome of a rerun under other numerics: scored afresh, never shared. */
    public CellOutcome rerunOutcome(DecodedCell d) {
        Scored s = score(d);
        return outcome(d, s.scores(), new CellOutcome.Timings(0, d.outputs().seconds(), s.seconds(), false));
    }

    private Scored score(DecodedCell d) {
        long start = System.nanoTime();
        TaskScores scores = Phases.run("score: " + d.cell().displayName() + ", " + d.outputs().outputs().size()
                + " outputs against the " + d.references().label(), () -> scorer.score(d.outputs(), d.references()));
        double seconds = (System.nanoTime() - start) / 1e9;
        LOG.info("{}: scored in {} s", d.cell().displayName(), String.format(Locale.ROOT, "%.1f", seconds));
        return new Scored(scores, seconds);
    }

    private static CellOutcome outcome(DecodedCell d, TaskScores scores, CellOutcome.Timings timings) {
        return new CellOutcome(d.cell(), d.outputs().plan(), d.outputs().device(), d.references().label(),
                d.outputs().samples(), d.references().texts(), d.outputs().averageBits(), d.bytesPerToken(),
                d.residentBytes(), timings, scores.results());
    }
}
