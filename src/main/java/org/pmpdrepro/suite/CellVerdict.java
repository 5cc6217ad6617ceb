package org.pmpdrepro.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.pmpdrepro.metrics.PairedBootstrap;
import org.pmpdrepro.report.FailureCategory;

/**
 * A cell's outcome held against its golden. On the configuration the golden was made on ({@link Basis#REFERENCE}) it
 * passes only with identical outputs and exactly the golden's numbers; on any other
 * ({@link Basis#CROSS_CONFIGURATION}) each metric's paired difference from the golden must stay within the tolerance
 * measured over the configuration grid.
 *
 * @param golden the golden row; empty when there is none
 * @param changed every prompt whose output differs from its golden, in prompt order
 * @param checks one per quantity compared
 * @param note what a reader needs besides the checks: the configurations compared, or why nothing was compared
 */
public record CellVerdict(CellOutcome outcome, Basis basis, Optional<GoldenFile.Located> golden, List<PromptDiff> changed,
        List<MetricCheck> checks, String note) {

    /** Which comparison was made. */
    public enum Basis {
        /** The golden's own configuration: outputs must be identical. */
        REFERENCE,
        /** Another configuration: paired differences within the measured tolerance. */
        CROSS_CONFIGURATION,
        /** No golden row: nothing to compare with. */
        MISSING_GOLDEN,
        /** The golden was made on other prompts (count or ids), so nothing can be paired. */
        NOT_COMPARABLE,
        /** Update mode: the outcome becomes the golden. */
        UPDATED
    }

    /** How many changed prompts a failure message shows. */
    static final int DIFFS_SHOWN = 3;

    public CellVerdict {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(basis, "basis");
        Objects.requireNonNull(golden, "golden");
        Objects.requireNonNull(note, "note");
        changed = List.copyOf(changed);
        checks = List.copyOf(checks);
    }

    public Cell cell() {
        return outcome.cell();
    }

    public boolean passed() {
        return switch (basis) {
            case UPDATED -> true;
            case MISSING_GOLDEN, NOT_COMPARABLE -> false;
            case REFERENCE -> changed.isEmpty() && checks.stream().allMatch(MetricCheck::passed);
            case CROSS_CONFIGURATION -> checks.stream().allMatch(MetricCheck::passed);
        };
    }

    public List<MetricCheck> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /** The report category of a failure. */
    public FailureCategory category() {
        return switch (basis) {
            case MISSING_GOLDEN -> FailureCategory.MISSING_GOLDEN;
            // A golden measured on other prompts is a mis-configured run, not a measurement.
            case NOT_COMPARABLE, UPDATED -> FailureCategory.INFRASTRUCTURE;
            case REFERENCE -> FailureCategory.OUTPUTS_CHANGED;
            case CROSS_CONFIGURATION -> FailureCategory.OUT_OF_TOLERANCE;
        };
    }

    /**
     * The failure, under the cell's name: how many prompts changed and the first few of them, the paired
     * difference of each metric with its interval, and every other quantity that failed.
     */
    public String failureMessage() {
        StringBuilder b = new StringBuilder(category().message(cell().displayName() + " (" + cell().id() + "): "));
        String where = golden.map(GoldenFile.Located::where).orElse("no golden row");
        switch (basis) {
            case MISSING_GOLDEN, NOT_COMPARABLE, UPDATED -> {
                return b.append(note).toString();
            }
            case REFERENCE -> b.append(changed.size()).append(" of ").append(outcome.sampleCount())
                    .append(" prompts differ from the golden outputs of ").append(where)
                    .append(" (on the configuration the golden was made on, outputs must be identical)");
            case CROSS_CONFIGURATION -> b.append(failures().size()).append(" quantities outside their"
                    + " cross-configuration tolerance against ").append(where).append("; ").append(note)
                    .append("; ").append(changed.size()).append(" of ").append(outcome.sampleCount())
                    .append(" prompts changed");
        }
        if (!changed.isEmpty()) {
            b.append("\n  changed prompts (first ").append(Math.min(DIFFS_SHOWN, changed.size())).append(" of ")
                    .append(changed.size()).append("):");
            changed.stream().limit(DIFFS_SHOWN).forEach(d -> b.append("\n    ").append(d.describe()));
        }
        List<String> paired = new ArrayList<>();
        for (MetricCheck c : checks) {
            c.paired().ifPresent(r -> paired.add(pairedText(c.quantity(), r)));
        }
        if (!paired.isEmpty()) {
            b.append("\n  paired difference new − golden on the same ").append(outcome.sampleCount())
                    .append(" prompts (95% CI): ").append(String.join("; ", paired));
        }
        for (MetricCheck c : failures()) {
            b.append("\n  ").append(c.message());
        }
        if (basis == Basis.REFERENCE && !note.isEmpty()) {
            b.append("\n  ").append(note);
        }
        return b.toString();
    }

    static String pairedText(String quantity, PairedBootstrap.Result r) {
        return String.format(Locale.ROOT, "%s %+.4g [%+.4g, %+.4g]", quantity, r.observedDifference(), r.ciLower(),
                r.ciUpper());
    }

    /** Throws an {@link AssertionError} carrying {@link #failureMessage()} unless the cell passed. */
    public void assertPassed() {
        if (!passed()) {
            throw new AssertionError(failureMessage());
        }
    }
}
