package org.pmpdrepro.report;

import java.util.Objects;

/**
 * One claim instance as the report shows it: the paired difference with its interval against the criterion's
 * threshold, and the verdict.
 *
 * @param instance e.g. {@code claim a1-static-keeps-high · debsum · 4>3}
 * @param arms e.g. {@code static − none-high}
 * @param criterion {@code non-inferior}, {@code superior} or {@code less}
 * @param threshold what the difference is held against: {@code −margin}, or 0
 * @param thresholdText how the threshold came about ({@code −0.25 × gap 0.0191})
 * @param verdict {@code supported}, {@code contradicted}, {@code inconclusive} or {@code not run}
 * @param expected the committed expected verdict; empty when none
 * @param evidence the adjusted p-values, MDE and reason, in words
 */
public record ClaimRow(String instance, String statement, String arms, String metric, String criterion,
        double estimate, double ciLower, double ciUpper, double threshold, String thresholdText, String verdict,
        String expected, String evidence) {

    public ClaimRow {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(arms, "arms");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(criterion, "criterion");
        Objects.requireNonNull(thresholdText, "thresholdText");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(evidence, "evidence");
    }

    /** Whether there is an interval to draw (a claim that ran and is tested, not exact). */
    public boolean drawable() {
        return Double.isFinite(estimate) && Double.isFinite(ciLower) && Double.isFinite(ciUpper)
                && Double.isFinite(threshold);
    }
}
