package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.pmpdrepro.data.Task;
import org.pmpdrepro.decode.BitWidthPair;

/**
 * A claim on one task and precision pair: the cells of its two arms and of the high–low gap its margin is a
 * fraction of. Arms that the grid lacks make the instance <em>not run</em>, reported as such rather than dropped.
 *
 * @param gapHigh Any-Precision's fixed high precision on the same task and pair (A1's {@code none-high})
 * @param gapLow Any-Precision's fixed low precision on the same task and pair (A1's {@code none-low})
 * @param notRun why the instance cannot run in this grid (an arm is missing); empty when it can
 */
public record ClaimInstance(Claim claim, Task task, BitWidthPair pair, Cell system, Cell baseline, Cell gapHigh,
        Cell gapLow, Optional<String> notRun) {

    /** A1 runs on the paper's back-bone; A2's quality gap is measured on the same back-bone's A1 cells. */
    static final String REFERENCE_BACKBONE = "any-precision";
    /** The scheduler A2's arms run under (each back-bone's own static schedule). */
    static final String A2_SCHEDULER = "static";

    public ClaimInstance {
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(pair, "pair");
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(notRun, "notRun");
    }

    /** The key expected verdicts are stored under: {@code a1-static-keeps-high/debsum/4>3}. */
    public String id() {
        return claim.id() + "/" + task.id() + "/" + pair;
    }

    /** How the instance's test reads in the report: {@code claim a1-static-keeps-high · debsum · 4>3}. */
    public String displayName() {
        return "claim " + claim.id() + " · " + task.id() + " · " + pair;
    }

    /** The task's headline metric, or {@code resident_bytes}. */
    public String metric() {
        return claim.quality() ? SuiteMetrics.headline(task) : Claim.Measure.RESIDENT_BYTES.id();
    }

    /** Every instance of the ablation's claims on every task and pair its grid has, in claims-file order. */
    public static List<ClaimInstance> of(Grid grid, List<Claim> claims, Ablation ablation) {
        Set<String> present = new LinkedHashSet<>();
        grid.cells().forEach(c -> present.add(c.id()));
        Set<List<Object>> taskPairs = new LinkedHashSet<>();
        for (Cell c : grid.of(ablation)) {
            taskPairs.add(List.of(c.task(), c.pair()));
        }
        List<ClaimInstance> out = new ArrayList<>();
        for (Claim claim : claims) {
            if (claim.ablation() != ablation) {
                continue;
            }
            for (List<Object> tp : taskPairs) {
                Task task = (Task) tp.get(0);
                BitWidthPair pair = (BitWidthPair) tp.get(1);
                Cell system = arm(ablation, task, pair, claim.system());
                Cell baseline = arm(ablation, task, pair, claim.baseline());
                Cell high = new Cell(Ablation.REMOVE_PRECISION_SWITCHING, task, REFERENCE_BACKBONE, pair, "none-high");
                Cell low = new Cell(Ablation.REMOVE_PRECISION_SWITCHING, task, REFERENCE_BACKBONE, pair, "none-low");
                List<String> missing = new ArrayList<>();
                for (Cell c : claim.margin().needsGap() ? List.of(system, baseline, high, low)
                        : List.of(system, baseline)) {
                    if (!present.contains(c.id())) {
                        missing.add(c.id());
                    }
                }
                Optional<String> notRun = missing.isEmpty() ? Optional.empty()
                        : Optional.of("not in the grid (" + Grid.DEFAULT_FILE + "): " + String.join(", ", missing));
                out.add(new ClaimInstance(claim, task, pair, system, baseline, high, low, notRun));
            }
        }
        return out;
    }

    /** A1's arms are schedulers on the reference back-bone; A2's are back-bones under the static scheduler. */
    private static Cell arm(Ablation ablation, Task task, BitWidthPair pair, String name) {
        return switch (ablation) {
            case REMOVE_PRECISION_SWITCHING -> new Cell(ablation, task, REFERENCE_BACKBONE, pair, name);
            case REPLACE_PTQ_METHOD -> new Cell(ablation, task, name, pair, A2_SCHEDULER);
        };
    }

    /** Arms share their shard key, so a shard holding one holds the other. */
    public String shardKey() {
        return system.shardKey();
    }

    @Override
    public String toString() {
        return displayName();
    }
}
