package org.pmpdrepro.report;

/**
 * One quantity of one cell against its golden value: a row of the outcome table.
 *
 * @param metric the quantity's name (a metric, average bits, bytes per token, resident bytes)
 * @param value what this run measured
 * @param golden the expected value; NaN when the cell has no golden row (or the quantity is not accountable)
 * @param lower lowest accepted value (inclusive); NaN without a golden row
 * @param upper highest accepted value (inclusive); NaN without a golden row
 * @param pass whether the suite accepted the value
 * @param goldenRow where the golden value is written; null when there is none
 * @param rule how the value was judged ({@code exact}, {@code 95% CI of new − golden within ±0.004}) and, where
 *     computed, the paired difference from the golden with its interval
 */
public record MetricOutcome(String metric, double value, double golden, double lower, double upper, boolean pass,
        GoldenRef goldenRow, String rule) {

    public MetricOutcome {
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("metric outcome: metric name is blank");
        }
        if (rule == null) {
            throw new IllegalArgumentException("metric outcome " + metric + ": rule is null (empty for none)");
        }
        if (goldenRow != null && !Double.isNaN(golden) && !(lower <= golden && golden <= upper)) {
            throw new IllegalArgumentException("metric outcome " + metric + " (" + goldenRow.label() + "): band ["
                    + lower + ", " + upper + "] does not contain its golden value " + golden);
        }
    }

    /** How far the measured value is from the golden one (positive: above); NaN without a golden row. */
    public double deviation() {
        return value - golden;
    }
}
