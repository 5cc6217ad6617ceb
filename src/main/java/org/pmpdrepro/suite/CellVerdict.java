package org.pmpdrepro.suite;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.pmpdrepro.report.FailureCategory;

/** A cell's outcome held against its goldens: one {@link MetricCheck} per metric. */
public record CellVerdict(CellOutcome outcome, List<MetricCheck> checks) {

    public CellVerdict {
        Objects.requireNonNull(outcome, "outcome");
        checks = List.copyOf(checks);
    }

    public Cell cell() {
        return outcome.cell();
    }

    public boolean passed() {
        return checks.stream().allMatch(MetricCheck::passed);
    }

    public List<MetricCheck> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /** Every failed metric's message, one per line, under the cell's name. */
    public String failureMessage() {
        return cell().displayName() + " (" + cell().id() + "): " + failures().size() + " of " + checks.size()
                + " metrics failed\n" + failures().stream().map(c -> "  " + category(c.status()).message(c.message()))
                        .collect(Collectors.joining("\n"));
    }

    /** The report category a failed check is filed under (the message prefixes of {@link FailureCategory}). */
    static FailureCategory category(MetricCheck.Status status) {
        return switch (status) {
            case OUT_OF_BAND -> FailureCategory.METRIC_OUT_OF_BAND;
            case MISSING_GOLDEN -> FailureCategory.MISSING_GOLDEN;
            // A golden measured on another sample count is a mis-configured run, not a measurement.
            case SAMPLE_MISMATCH, PASSED, UPDATED -> FailureCategory.INFRASTRUCTURE;
        };
    }

    /** Throws an {@link AssertionError} carrying {@link #failureMessage()} unless every metric passed. */
    public void assertPassed() {
        if (!passed()) {
            throw new AssertionError(failureMessage());
        }
    }
}
