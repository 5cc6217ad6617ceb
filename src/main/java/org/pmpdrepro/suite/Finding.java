package org.pmpdrepro.suite;

import java.util.Locale;
import java.util.Objects;

/**
 * The measured effect of one comparison on one metric (or on resident memory): system minus baseline on the same
 * prompts, with its paired bootstrap 95% interval, its two-sided p-value raw and (for the headline family)
 * Holm-adjusted, its minimum detectable effect, and whether it agrees with the paper.
 *
 * @param metric a metric of {@link SuiteMetrics#ALL}, or {@code resident-bytes}
 * @param role how the finding counts: in the ablation's headline family, descriptive only, or exact
 * @param pValue two-sided p-value of {@code δ = 0} from the centred bootstrap distribution (NaN for memory)
 * @param pHolm {@code pValue} Holm-adjusted over the ablation's headline family; NaN outside it
 * @param standardError bootstrap standard error of the difference (0 for memory)
 * @param agrees {@code yes} (a significant effect in the claimed direction, or a shown non-inferiority),
 *     {@code no} (significant the other way, or a contradicted claim), {@code inconclusive}, or {@code n/a} where
 *     the paper makes no claim or the metric is not in the family
 * @param claimVerdict the pre-registered claim that covers this comparison and metric and its verdict
 *     ({@code a1-static-keeps-high: supported}); empty when none does
 */
public record Finding(Comparison comparison, String metric, Role role, double baselineValue, double systemValue,
        double difference, double ciLower, double ciUpper, double standardError, double pValue, double pHolm,
        PaperClaim claim, String agrees, String claimVerdict, int samples, String signature) {

    /** The memory pseudo-metric of A2. */
    public static final String RESIDENT_BYTES = "resident-bytes";

    /** Whether and how a finding counts towards the ablation's conclusions. */
    public enum Role {
        /** The task's headline metric: one member of the ablation's Holm family. */
        HEADLINE,
        /** Another metric, reported for description; not tested, so not in any family. */
        SECONDARY,
        /** BLEU, which equals SacreBLEU / 100 here: shown, never counted twice. */
        DUPLICATE,
        /** Resident memory, an exact count. */
        EXACT;

        public String id() {
            return switch (this) {
                case HEADLINE -> "headline";
                case SECONDARY -> "secondary";
                case DUPLICATE -> "duplicate of sacrebleu/100";
                case EXACT -> "exact";
            };
        }
    }

    public Finding {
        Objects.requireNonNull(comparison, "comparison");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(agrees, "agrees");
        Objects.requireNonNull(claimVerdict, "claimVerdict");
        Objects.requireNonNull(signature, "signature");
    }

    /** Whether the 95% interval excludes 0 (for memory: whether the counts differ). */
    public boolean intervalExcludesZero() {
        return ciLower > 0 || ciUpper < 0;
    }

    /** Whether the headline family's Holm-adjusted two-sided p-value is below 0.05; false outside the family. */
    public boolean significantAfterHolm() {
        return role == Role.HEADLINE && pHolm < 0.05;
    }

    /** {@code (1.96 + 0.84) × SE}. */
    public double minimumDetectableEffect() {
        return org.pmpdrepro.metrics.PairedBootstrap.MDE_FACTOR * standardError;
    }

    /** This finding with its family's adjustment and its agreement filled in. */
    Finding adjusted(double holm, String agreement, String verdict) {
        return new Finding(comparison, metric, role, baselineValue, systemValue, difference, ciLower, ciUpper,
                standardError, pValue, holm, claim, agreement, verdict, samples, signature);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s %s: %+.4g [%.4g, %.4g] p=%.3g", comparison.displayName(), metric,
                difference, ciLower, ciUpper, pValue);
    }
}
