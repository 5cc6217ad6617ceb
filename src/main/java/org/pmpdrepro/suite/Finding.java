package org.pmpdrepro.suite;

import java.util.Objects;

/**
 * The measured effect of one comparison on one metric (or on resident memory): system minus baseline on the same
 * prompts, with its paired bootstrap 95% interval and whether its direction agrees with the paper.
 *
 * @param metric a metric of {@link SuiteMetrics#ALL}, or {@code resident-bytes}
 * @param primary whether the paper reports this metric for the task's benchmark
 * @param pValue paired bootstrap p-value (NaN for memory, which is exact)
 * @param significant whether the 95% interval excludes 0
 * @param agrees {@code yes}, {@code no}, or {@code n/a} where the paper makes no claim
 */
public record Finding(Comparison comparison, String metric, boolean primary, double baselineValue,
        double systemValue, double difference, double ciLower, double ciUpper, double pValue, boolean significant,
        PaperClaim claim, String agrees, int samples, String signature) {

    /** The memory pseudo-metric of A2. */
    public static final String RESIDENT_BYTES = "resident-bytes";

    public Finding {
        Objects.requireNonNull(comparison, "comparison");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(claim, "claim");
        Objects.requireNonNull(agrees, "agrees");
        Objects.requireNonNull(signature, "signature");
    }
}
