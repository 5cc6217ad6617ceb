package org.pmpdrepro.suite;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

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
                + " metrics failed\n" + failures().stream().map(c -> "  " + c.message())
                        .collect(Collectors.joining("\n"));
    }

    /** Throws an {@link AssertionError} carrying {@link #failureMessage()} unless every metric passed. */
    public void assertPassed() {
        if (!passed()) {
            throw new AssertionError(failureMessage());
        }
    }
}
