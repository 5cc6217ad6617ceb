package org.pmpdrepro.suite;

import java.util.Locale;
import java.util.Objects;
import org.pmpdrepro.metrics.PairedBootstrap;

/**
 * A claim instance evaluated: the paired difference {@code δ = system − baseline} on its metric, the threshold the
 * criterion holds it to, the one-sided p-values raw and Holm-adjusted within the ablation's family, and the verdict.
 * Quantities that do not apply (a p-value of an exact memory claim, anything of a claim that did not run) are NaN.
 *
 * @param reason why the verdict is what it is, in words (the interval against the threshold, unequal bytes, ...)
 * @param threshold the value {@code δ} is compared with: {@code −margin} for non-inferiority, 0 otherwise
 * @param gap {@code none-high − none-low} on the headline metric (NaN where the claim needs none)
 * @param pCriterion one-sided p-value of the criterion's null ({@code H0: δ ≤ threshold})
 * @param pContradiction one-sided p-value of the opposite ({@code H0: δ ≥ threshold})
 * @param systemBytes weight bytes read per decoded token by the system arm (A2's equal-bytes condition)
 * @param familyPresent how many of the family's instances this run evaluated ({@code familySize} in a whole run)
 */
public record ClaimResult(ClaimInstance instance, ClaimVerdict verdict, String reason, double systemValue,
        double baselineValue, double difference, double ciLower, double ciUpper, double standardError, double gap,
        double threshold, double pCriterion, double pCriterionHolm, double pContradiction,
        double pContradictionHolm, double systemBytes, double baselineBytes, int familyPresent, int familySize) {

    public ClaimResult {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }

    /** A claim whose arm is missing from the grid. */
    static ClaimResult notRun(ClaimInstance instance) {
        double nan = Double.NaN;
        return new ClaimResult(instance, ClaimVerdict.NOT_RUN, "not run: " + instance.notRun().orElse("?"), nan, nan,
                nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, 0, 0);
    }

    /** {@code (1.96 + 0.84) × SE}: the smallest difference this comparison detects with 80% power. */
    public double minimumDetectableEffect() {
        return PairedBootstrap.MDE_FACTOR * standardError;
    }

    /** Whether the family-wise verdict could use every instance of the family (not a partial run). */
    public boolean familyComplete() {
        return familyPresent == familySize;
    }

    /** {@code 12 of 24}, or {@code complete (24)}. */
    public String familyDescription() {
        if (!instance.claim().quality()) {
            return "exact (no test)";
        }
        return familyComplete() ? "complete (" + familySize + ")" : familyPresent + " of " + familySize;
    }

    /** The evidence in one line: estimate, interval, threshold, adjusted p-values, MDE. */
    public String evidence() {
        if (verdict == ClaimVerdict.NOT_RUN) {
            return reason;
        }
        if (!instance.claim().quality()) {
            return String.format(Locale.ROOT, "resident bytes %s %.0f vs %s %.0f (difference %.0f)",
                    instance.system().backbone(), systemValue, instance.baseline().backbone(), baselineValue,
                    difference);
        }
        String gapText = instance.claim().margin().needsGap() && Double.isFinite(gap)
                ? String.format(Locale.ROOT, " = −%s × gap %.4g", instance.claim().margin().gapFraction(), gap) : "";
        return String.format(Locale.ROOT, "δ(%s, %s − %s) = %.4g, 95%% CI [%.4g, %.4g], threshold %.4g%s;"
                        + " Holm-adjusted one-sided p = %.3g (criterion), %.3g (contradiction), family %s; MDE %.3g",
                instance.metric(), arm(instance.system()), arm(instance.baseline()), difference, ciLower, ciUpper,
                threshold, gapText, pCriterionHolm, pContradictionHolm, familyDescription(),
                minimumDetectableEffect());
    }

    private static String arm(Cell c) {
        return c.ablation() == Ablation.REMOVE_PRECISION_SWITCHING ? c.scheduler() : c.backbone();
    }
}
