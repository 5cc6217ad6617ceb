package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pmpdrepro.suite.PaperClaim.Direction;

/**
 * The findings each ablation measures, derived from the grid: every pair of arms the paper makes a claim about
 * (DESIGN.md section 1), where both arms are in the grid.
 */
public final class Comparisons {

    private static final List<String> PMPD = List.of("static", "learned");

    /** Stands for each PMPD scheduler's own matched-bits mix: {@code matched-static}, {@code matched-learned}. */
    private static final String MATCHED = "matched-";

    /** A1: what PMPD's schedulers are claimed to do against each no-switching arm and its own matched mix. */
    private static final Map<String, PaperClaim> A1_AGAINST = Map.of(
            "none-high", new PaperClaim(Direction.COMPARABLE,
                    "PMPD keeps the high precision's quality at fewer average bits"),
            "none-low", new PaperClaim(Direction.HIGHER, "PMPD beats decoding entirely at the low precision"),
            "phase-aware-only", new PaperClaim(Direction.HIGHER,
                    "progressive lowering beats switching only between prefill and decode"),
            MATCHED, new PaperClaim(Direction.HIGHER,
                    "PMPD beats a fixed per-matrix mix at the same average bit-width"));

    /**
     * A1's baselines calibrated to the static scheduler's average bits: compared with the static scheduler only,
     * since the learned scheduler decodes at other bits and a difference would be confounded by them.
     */
    private static final Map<String, PaperClaim> A1_STATIC_BASELINES = Map.of(
            "random-uniform-matched", new PaperClaim(Direction.HIGHER,
                    "the static scheduler beats a uniformly random switch at its average bits"),
            "random-label-prior-matched", new PaperClaim(Direction.HIGHER,
                    "the static scheduler beats a random switch drawn from the label prior at its average bits"),
            "confidence-matched", new PaperClaim(Direction.HIGHER,
                    "the static scheduler beats the confidence-based switch at its average bits"));

    /** A1 among the no-switching arms: the premises PMPD builds on. */
    private static final List<String[]> A1_PREMISES = List.of(
            new String[] {"none-low", "none-high", "lower weight precision loses quality"},
            new String[] {"none-low", "phase-aware-only", "a higher-precision prefill recovers quality (phase-aware)"});

    private static final PaperClaim NO_MEMORY_CLAIM = new PaperClaim(Direction.NONE, "no memory claim");
    private static final PaperClaim NESTED_MEMORY = new PaperClaim(Direction.LOWER,
            "nested bit-planes cost the widest model; separate models cost the sum of their widths");

    private Comparisons() {}

    /** Every comparison of {@code ablation} whose two arms are both in {@code grid}, in grid order. */
    public static List<Comparison> of(Grid grid, Ablation ablation) {
        Map<String, Cell> byKey = new HashMap<>();
        for (Cell c : grid.of(ablation)) {
            byKey.put(key(c.task().id(), c.backbone(), c.pair().toString(), c.scheduler()), c);
        }
        List<Comparison> out = new ArrayList<>();
        for (Cell system : grid.of(ablation)) {
            switch (ablation) {
                case REMOVE_PRECISION_SWITCHING -> a1(system, byKey, out);
                case REPLACE_PTQ_METHOD -> a2(system, byKey, out);
            }
        }
        return out;
    }

    private static void a1(Cell system, Map<String, Cell> cells, List<Comparison> out) {
        if (PMPD.contains(system.scheduler())) {
            Map<String, PaperClaim> against = new java.util.TreeMap<>(A1_AGAINST);
            if (system.scheduler().equals("static")) {
                against.putAll(A1_STATIC_BASELINES);
            }
            against.entrySet().forEach(e -> {
                String arm = e.getKey().equals(MATCHED) ? MATCHED + system.scheduler() : e.getKey();
                Cell baseline = cells.get(key(system.task().id(), system.backbone(), system.pair().toString(), arm));
                if (baseline != null) {
                    out.add(new Comparison(Ablation.REMOVE_PRECISION_SWITCHING, baseline, system, e.getValue(),
                            NO_MEMORY_CLAIM));
                }
            });
        }
        for (String[] premise : A1_PREMISES) {
            if (system.scheduler().equals(premise[1])) {
                Cell baseline = cells.get(key(system.task().id(), system.backbone(), system.pair().toString(),
                        premise[0]));
                if (baseline != null) {
                    out.add(new Comparison(Ablation.REMOVE_PRECISION_SWITCHING, baseline, system,
                            new PaperClaim(Direction.HIGHER, premise[2]), NO_MEMORY_CLAIM));
                }
            }
        }
    }

    /** A2: Any-Precision against each other back-bone under the same schedule. */
    private static void a2(Cell system, Map<String, Cell> cells, List<Comparison> out) {
        if (!system.backbone().equals(Grid.A2_BACKBONES.get(0))) {
            return;
        }
        for (String other : Grid.A2_BACKBONES.subList(1, Grid.A2_BACKBONES.size())) {
            Cell baseline = cells.get(key(system.task().id(), other, system.pair().toString(), system.scheduler()));
            if (baseline != null) {
                // The paper picks Any-Precision for memory (one nested model serves every width), not for quality.
                out.add(new Comparison(Ablation.REPLACE_PTQ_METHOD, baseline, system, new PaperClaim(Direction.NONE,
                        "no quality claim; Any-Precision is chosen because nested bit-planes serve all widths from"
                                + " one model"), NESTED_MEMORY));
            }
        }
        // Bit-Mixer's own feature, widths chosen per layer at run time: its fixed per-group mix at its static
        // schedule's bits, against PMPD's static schedule on Any-Precision. Its widths are not the pair's, so no
        // memory claim.
        if (system.scheduler().equals("static")) {
            Cell mix = cells.get(key(system.task().id(), "bit-mixer", system.pair().toString(), "matched-static"));
            if (mix != null) {
                out.add(new Comparison(Ablation.REPLACE_PTQ_METHOD, mix, system, new PaperClaim(Direction.NONE,
                        "no quality claim; Bit-Mixer runs its own per-layer mix at its static schedule's bits"),
                        NO_MEMORY_CLAIM));
            }
        }
    }

    private static String key(String task, String backbone, String pair, String scheduler) {
        return task + "/" + backbone + "/" + pair + "/" + scheduler;
    }
}
