package org.pmpdrepro.suite;

import java.util.List;
import java.util.Objects;

/**
 * A comparison's findings and whether the golden bands of its two arms keep apart every significant difference.
 *
 * @param problems one line per metric whose difference is significant but whose arms' bands overlap (or have no
 *     golden row to check)
 */
public record ComparisonVerdict(Comparison comparison, List<Finding> findings, List<String> problems) {

    public ComparisonVerdict {
        Objects.requireNonNull(comparison, "comparison");
        findings = List.copyOf(findings);
        problems = List.copyOf(problems);
    }

    public boolean separated() {
        return problems.isEmpty();
    }

    /** Throws an {@link AssertionError} naming every metric whose bands would hide a significant difference. */
    public void assertSeparated() {
        if (!separated()) {
            throw new AssertionError(comparison.displayName() + " (" + comparison.id() + "): bands do not separate"
                    + " significant differences\n  " + String.join("\n  ", problems));
        }
    }
}
