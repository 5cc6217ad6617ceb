package org.pmpdrepro.report;

/**
 * One metric of one cell against its golden value: a row of the outcome table.
 *
 * @param metric the metric's name, with its signature where it has one
 * @param value what this run measured
 * @param golden the expected value; NaN when the cell has no golden row
 * @param lower lowest accepted value (inclusive); NaN without a golden row
 * @param upper highest accepted value (inclusive); NaN without a golden row
 * @param pass whether the suite accepted the value
 * @param goldenRow where the golden value is written; null when there is none
 */
public record MetricOutcome(
        String metric, double value, double golden, double lower, double upper, boolean pass, GoldenRef goldenRow) {

    public MetricOutcome {
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("metric outcome: metric name is blank");
        }
        if (goldenRow != null && !(lower <= golden && golden <= upper)) {
            throw new IllegalArgumentException("metric outcome " + metric + " (" + goldenRow.label() + "): band ["
                    + lower + ", " + upper + "] does not contain its golden value " + golden);
        }
    }

    /** How far the measured value is from the golden one (positive: above); NaN without a golden row. */
    public double deviation() {
        return value - golden;
    }
}
