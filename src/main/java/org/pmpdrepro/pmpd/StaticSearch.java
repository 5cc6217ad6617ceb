package org.pmpdrepro.pmpd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.pmpdrepro.data.Split;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.data.TaskExample;
import org.pmpdrepro.io.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The static scheduler's per-task search: decode the calibration examples at every switch point of a grid, and at
 * the low precision alone, and keep the switch point with the lowest average bit-width whose headline score (Rouge-L
 * for summaries and dialogue, SacreBLEU for translation; against the reference, or for debchat the full-precision
 * output) is within the tolerance of never switching ({@code s = N}). The tolerance is a fraction of the high–low
 * gap measured on the same prompts, so one rule serves metrics of any scale and tasks where the two widths lie far
 * apart or close together; {@code fixtures/pmpd/README.md} says why the fraction is what it is.
 */
public final class StaticSearch {

    private static final Logger LOG = LoggerFactory.getLogger(StaticSearch.class);

    /**
     * @param gridPoints evenly spaced switch points added to the paper's {@code {0, N/3, 2N/3, N}} (4 adds none)
     * @param toleranceFraction allowed drop below never switching, as a fraction of the calibration high–low gap
     * @param limit calibration examples used, from the start of the split; 0 for all
     */
    public record Config(int gridPoints, double toleranceFraction, int limit) {
        public Config {
            if (gridPoints < 2 || !(toleranceFraction >= 0 && toleranceFraction <= 1) || limit < 0) {
                throw new IllegalArgumentException("static search: grid of " + gridPoints + " points, tolerance "
                        + toleranceFraction + " of the gap, limit " + limit
                        + "; expected >= 2 points, a fraction in [0, 1], limit >= 0");
            }
        }

        public static Config defaults() {
            return new Config(4, 0.10, 0);
        }
    }

    /** One decode of the search: its switch point ({@code -1} for the low precision alone), bits and score. */
    public record Row(int switchPoint, double averageBits, double score) {}

    /**
     * A finished search.
     *
     * @param metric the headline metric it decided by
     * @param noneLow the low precision alone, prefill included: the far end of the gap
     * @param gap never switching's score minus {@code noneLow}'s
     * @param tolerance the absolute score drop allowed: {@code toleranceFraction * gap}, 0 when the gap is not positive
     * @param pair the uniform pair the search is filed under and looked up by
     * @param served the precisions it decoded with: {@code pair} itself, or a back-bone's stand-ins for it (HAQ's
     *     policies under a 4- and a 3-bit budget for {@code 4>3}, as the suite decodes that back-bone)
     */
    public record Outcome(Task task, PrecisionPair pair, String backbone, Config config, int examples,
            String scoredAgainst, String metric, Row noneLow, List<Row> table, double gap, double tolerance,
            int chosen, PrecisionPair served) {
        public Outcome {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(served, "served");
            table = List.copyOf(table);
        }

        /** An outcome decoded with {@code pair}'s own precisions. */
        public Outcome(Task task, PrecisionPair pair, String backbone, Config config, int examples,
                String scoredAgainst, String metric, Row noneLow, List<Row> table, double gap, double tolerance,
                int chosen) {
            this(task, pair, backbone, config, examples, scoredAgainst, metric, noneLow, table, gap, tolerance,
                    chosen, pair);
        }

        /** The row of the chosen switch point. */
        public Row chosenRow() {
            return table.stream().filter(r -> r.switchPoint() == chosen).findFirst().orElseThrow();
        }
    }

    /**
     * A search with the decodes behind it, which the bits-matched baselines are fitted on.
     *
     * @param grid the decode of every switch point of the table
     * @param highConfidence each prompt's top probabilities on the never-switching decode
     */
    public record Search(Outcome outcome, List<TaskExample> examples, Map<Integer, CellResult> grid,
            ConfidenceTraces highConfidence) {
        public Search {
            examples = List.copyOf(examples);
            grid = Map.copyOf(grid);
        }
    }

    private StaticSearch() {}

    /** The metric a task's claims are decided by: SacreBLEU for translation, Rouge-L otherwise. */
    public static String headlineMetric(Task task) {
        return task == Task.DEBTRANS ? "sacrebleu" : "rougeL";
    }

    public static Search search(PmpdRunner runner, List<TaskExample> calibration, PrecisionPair pair,
            Config config) {
        return search(runner, calibration, pair, pair, config);
    }

    /**
     * The search decoded with {@code pair}'s precisions and filed under {@code fittedFor}, the uniform pair the
     * suite looks it up by (they differ where a back-bone serves a pair with other precisions, as HAQ does).
     */
    public static Search search(PmpdRunner runner, List<TaskExample> calibration, PrecisionPair pair,
            PrecisionPair fittedFor, Config config) {
        List<TaskExample> examples = config.limit() == 0 || config.limit() >= calibration.size()
                ? calibration : calibration.subList(0, config.limit());
        Task task = examples.get(0).task();
        if (examples.get(0).split() != Split.CALIBRATION) {
            throw new IllegalArgumentException("static search on " + task.id() + ": example "
                    + examples.get(0).id() + " is from the " + examples.get(0).split().id()
                    + " split; the search must not see the test split (expected calibration)");
        }
        String metric = headlineMetric(task);
        int[] grid = SwitchPoints.grid(task.maxNewTokens(), config.gridPoints());
        int never = grid[grid.length - 1];
        List<Row> rows = new ArrayList<>();
        Map<Integer, CellResult> cells = new LinkedHashMap<>();
        ConfidenceTraces confidence = new ConfidenceTraces();
        Progress progress = Progress.of(LOG, "static search " + task.id() + " " + pair, grid.length + 1, "decodes");
        CellResult low = runner.run(Split.CALIBRATION, examples, pair, FixedScheduler.noneLow(pair));
        Row noneLow = new Row(-1, low.averageBits(), low.scores().value(metric));
        progress.advance(1, () -> found("none-low", noneLow));
        for (int i = 0; i < grid.length; i++) {
            int s = grid[i];
            StaticScheduler scheduler = new StaticScheduler(pair, s, "search grid");
            // Never switching is the decode whose confidences decide the confidence baseline's switch.
            CellResult cell = s == never
                    ? runner.run(Split.CALIBRATION, examples, pair, scheduler, p -> ObservedPlan.of(p, confidence))
                    : runner.run(Split.CALIBRATION, examples, pair, scheduler);
            Row row = new Row(s, cell.averageBits(), cell.scores().value(metric));
            rows.add(row);
            cells.put(s, cell);
            progress.advance(1, () -> found("s=" + s, row));
        }
        double gap = rows.get(rows.size() - 1).score() - noneLow.score();
        double tolerance = tolerance(gap, config.toleranceFraction());
        Outcome outcome = new Outcome(task, fittedFor, runner.backbone(), config, examples.size(),
                runner.references(task, examples).label(), metric, noneLow, rows, gap, tolerance,
                choose(rows, tolerance), pair);
        return new Search(outcome, examples, cells, confidence);
    }

    /** The absolute tolerance: {@code fraction} of a positive gap; none (0) when the low precision loses nothing. */
    public static double tolerance(double gap, double fraction) {
        return gap > 0 ? fraction * gap : 0;
    }

    /**
     * The switch point of the row with the lowest average bits among those within {@code tolerance} of the row with
     * the largest switch point (never switching); ties go to the smaller switch point.
     */
    public static int choose(List<Row> rows, double tolerance) {
        Row never = rows.stream().max((a, b) -> Integer.compare(a.switchPoint(), b.switchPoint())).orElseThrow();
        Row best = never;
        for (Row r : rows) {
            boolean within = r.score() >= never.score() - tolerance;
            if (within && (r.averageBits() < best.averageBits()
                    || (r.averageBits() == best.averageBits() && r.switchPoint() < best.switchPoint()))) {
                best = r;
            }
        }
        return best.switchPoint();
    }

    private static String found(String what, Row row) {
        return String.format(Locale.ROOT, "%s: bits %.3f, score %.4f", what, row.averageBits(), row.score());
    }
}
