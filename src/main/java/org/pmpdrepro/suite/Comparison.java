package org.pmpdrepro.suite;

import java.util.Objects;

/**
 * One finding to measure: a system cell against a baseline cell of the same ablation, task and precision pair,
 * with what the paper claims about it.
 *
 * @param claim the paper's claim about every quality metric
 * @param memoryClaim its claim about the resident memory of serving the pair ({@link PaperClaim.Direction#NONE}
 *     where it makes none)
 */
public record Comparison(Ablation ablation, Cell baseline, Cell system, PaperClaim claim, PaperClaim memoryClaim) {

    public Comparison {
        Objects.requireNonNull(ablation, "ablation");
        Objects.requireNonNull(baseline, "baseline");
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(memoryClaim, "memoryClaim");
        if (baseline.task() != system.task() || !baseline.pair().equals(system.pair())) {
            throw new IllegalArgumentException("comparison " + system.id() + " vs " + baseline.id()
                    + ": both arms need the same task and precision pair");
        }
    }

    /** {@code a1/debsum/4>3: any-precision static vs any-precision none-matched}. */
    public String id() {
        return ablation.id() + "/" + system.task().id() + "/" + system.pair() + ": " + system.backbone() + " "
                + system.scheduler() + " vs " + baseline.backbone() + " " + baseline.scheduler();
    }

    /** How it reads in reports: {@code debsum · 4>3 · static vs none-matched (any-precision)}. */
    public String displayName() {
        return system.task().id() + " · " + system.pair() + " · " + arms();
    }

    /**
     * The two arms without task and pair: {@code static vs none-low (any-precision)}, {@code any-precision vs gptq
     * (static)}, or both names in full where back-bone and scheduler both differ
     * ({@code any-precision static vs bit-mixer matched-static}).
     */
    public String arms() {
        if (system.backbone().equals(baseline.backbone())) {
            return system.scheduler() + " vs " + baseline.scheduler() + " (" + system.backbone() + ")";
        }
        if (system.scheduler().equals(baseline.scheduler())) {
            return system.backbone() + " vs " + baseline.backbone() + " (" + system.scheduler() + ")";
        }
        return system.backbone() + " " + system.scheduler() + " vs " + baseline.backbone() + " "
                + baseline.scheduler();
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
