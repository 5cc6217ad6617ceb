package org.pmpdrepro.pmpd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.eval.References;
import org.pmpdrepro.metrics.Corpus;
import org.pmpdrepro.metrics.Rouge;
import org.pmpdrepro.metrics.RougeType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The static scheduler's per-task search: decode the calibration examples at every switch point of a grid and keep
 * the one with the lowest average bit-width whose Rouge-L (against the reference, or for debchat the
 * full-precision output) is within {@code tolerance} of never switching ({@code s = N}).
 */
public final class StaticSearch {

    private static final Logger LOG = LoggerFactory.getLogger(StaticSearch.class);

    /**
     * @param gridPoints evenly spaced switch points added to the paper's {@code {0, N/3, 2N/3, N}} (4 adds none)
     * @param tolerance allowed Rouge-L drop (0-1 scale) below never switching
     * @param limit calibration examples used, from the start of the split; 0 for all
     */
    public record Config(int gridPoints, double tolerance, int limit) {
        public Config {
            if (gridPoints < 2 || !(tolerance >= 0) || limit < 0) {
                throw new IllegalArgumentException("static search: grid of " + gridPoints + " points, tolerance "
                        + tolerance + ", limit " + limit + "; expected >= 2 points, tolerance >= 0, limit >= 0");
            }
        }

        public static Config defaults() {
            return new Config(4, 0.01, 128);
        }
    }

    /** One grid point: its switch point, mean average decode bits and corpus Rouge-L. */
    public record Row(int switchPoint, double averageBits, double rougeL) {}

    /** A finished search. */
    public record Outcome(Task task, PrecisionPair pair, String backbone, Config config, int examples,
            String scoredAgainst, List<Row> table, int chosen) {
        public Outcome {
            Objects.requireNonNull(task, "task");
            table = List.copyOf(table);
        }
    }

    private StaticSearch() {}

    public static Outcome search(PmpdRunner runner, List<TaskExample> calibration, PrecisionPair pair,
            Config config) {
        List<TaskExample> examples = config.limit() == 0 || config.limit() >= calibration.size()
                ? calibration : calibration.subList(0, config.limit());
        Task task = examples.get(0).task();
        if (examples.get(0).split() != Split.CALIBRATION) {
            throw new IllegalArgumentException("static search on " + task.id() + ": example "
                    + examples.get(0).id() + " is from the " + examples.get(0).split().id()
                    + " split; the search must not see the test split (expected calibration)");
        }
        References refs = runner.references(task, examples);
        int[] grid = SwitchPoints.grid(task.maxNewTokens(), config.gridPoints());
        List<Row> rows = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < grid.length; i++) {
            int s = grid[i];
            CellResult cell = runner.run(Split.CALIBRATION, examples, pair,
                    new StaticScheduler(pair, s, "search grid"));
            double rouge = Rouge.of(RougeType.ROUGE_L, true)
                    .score(Corpus.singleReference(cell.outputs().outputs(), refs.texts())).score();
            rows.add(new Row(s, cell.averageBits(), rouge));
            double elapsed = (System.nanoTime() - start) / 1e9;
            LOG.info(String.format(Locale.ROOT, "static search %s %s: s=%d bits %.3f Rouge-L %.4f (%d/%d, ETA %.0f s)",
                    task.id(), pair, s, cell.averageBits(), rouge, i + 1, grid.length,
                    elapsed / (i + 1) * (grid.length - i - 1)));
        }
        return new Outcome(task, pair, runner.backbone(), config, examples.size(), refs.label(), rows,
                choose(rows, config.tolerance()));
    }

    /**
     * The switch point of the row with the lowest average bits among those within {@code tolerance} of the row with
     * the largest switch point (never switching); ties go to the smaller switch point.
     */
    public static int choose(List<Row> rows, double tolerance) {
        Row never = rows.stream().max((a, b) -> Integer.compare(a.switchPoint(), b.switchPoint())).orElseThrow();
        Row best = never;
        for (Row r : rows) {
            boolean within = r.rougeL() >= never.rougeL() - tolerance;
            if (within && (r.averageBits() < best.averageBits()
                    || (r.averageBits() == best.averageBits() && r.switchPoint() < best.switchPoint()))) {
                best = r;
            }
        }
        return best.switchPoint();
    }
}
