package org.pmpdrepro.suite;

import java.util.Objects;
import java.util.Optional;
import org.pmpdrepro.report.FailureCategory;

/**
 * A claim instance's verdict held against its committed expected verdict ({@code golden/claim-verdicts.csv}). A
 * changed verdict fails; a contradicted claim that stays contradicted is a finding and passes.
 *
 * @param expected the committed verdict; empty when none is recorded
 */
public record ClaimCheck(ClaimResult result, Optional<ExpectedVerdicts.Expected> expected, Status status) {

    /** How the verdict compares with the expected one. */
    public enum Status {
        /** Equal to the expected verdict. */
        HOLDS,
        /** Different from the expected verdict. */
        CHANGED,
        /** No expected verdict is recorded. */
        NO_EXPECTATION,
        /** The claim's arm is not in the grid, as expected: nothing could be evaluated. */
        NOT_RUN,
        /**
         * Inconclusive in a partial run whose expected verdict is decided: Holm over part of the family is
         * conservative, so only the whole family can confirm it.
         */
        PARTIAL_FAMILY,
        /** Update mode: the verdict becomes the expected one. */
        UPDATED
    }

    public ClaimCheck {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(status, "status");
    }

    /** The check of {@code result} against {@code expected} (update mode records instead). */
    static ClaimCheck of(ClaimResult result, Optional<ExpectedVerdicts.Expected> expected, boolean update) {
        if (update) {
            return new ClaimCheck(result, expected, Status.UPDATED);
        }
        if (expected.isEmpty()) {
            return new ClaimCheck(result, expected, result.verdict() == ClaimVerdict.NOT_RUN ? Status.NOT_RUN
                    : Status.NO_EXPECTATION);
        }
        ClaimVerdict want = expected.get().verdict();
        if (want == result.verdict()) {
            return new ClaimCheck(result, expected, result.verdict() == ClaimVerdict.NOT_RUN ? Status.NOT_RUN
                    : Status.HOLDS);
        }
        if (!result.familyComplete() && result.verdict() == ClaimVerdict.INCONCLUSIVE
                && want != ClaimVerdict.NOT_RUN) {
            return new ClaimCheck(result, expected, Status.PARTIAL_FAMILY);
        }
        return new ClaimCheck(result, expected, Status.CHANGED);
    }

    public boolean passed() {
        return status == Status.HOLDS || status == Status.UPDATED;
    }

    /** Whether this run could decide the claim at all (it ran, and its family was whole enough). */
    public boolean decidable() {
        return status != Status.NOT_RUN && status != Status.PARTIAL_FAMILY;
    }

    /** Why the check came out as it did, naming the claim, the task and pair, the interval and the margin. */
    public String message() {
        ClaimInstance i = result.instance();
        String head = i.displayName() + " (" + i.claim().statement() + ")";
        String evidence = result.evidence();
        return switch (status) {
            case HOLDS, UPDATED -> head + ": " + result.verdict().id() + "; " + evidence;
            case CHANGED -> FailureCategory.CLAIM_CHANGED.message(head + ": expected " + expected.orElseThrow()
                    .verdict().id() + " (" + expected.get().where() + "), now " + result.verdict().id() + "; "
                    + evidence + "; " + result.reason());
            case NO_EXPECTATION -> FailureCategory.MISSING_GOLDEN.message(head + ": " + result.verdict().id()
                    + ", but no expected verdict is recorded for " + i.id() + "; record it with -Dgolden.update=true"
                    + " (golden/README.md); " + evidence);
            case NOT_RUN -> FailureCategory.CLAIM_NOT_RUN.message(head + ": " + result.reason());
            case PARTIAL_FAMILY -> FailureCategory.CLAIM_NOT_RUN.message(head + ": inconclusive over "
                    + result.familyDescription() + " instances of the family, expected " + expected.orElseThrow()
                    .verdict().id() + "; Holm over part of the family is conservative, so only a run of the whole"
                    + " ablation decides it; " + evidence);
        };
    }

    /** Throws an {@link AssertionError} with {@link #message()} unless the verdict is the expected one. */
    public void assertHolds() {
        if (!passed()) {
            throw new AssertionError(message());
        }
    }
}
