package org.pmpdrepro.suite;

import java.util.Locale;

/** What a claim instance's evidence says ({@code golden/CLAIMS.md}, "Verdicts"). */
public enum ClaimVerdict {
    /** The criterion's test rejects at the family-wise level. */
    SUPPORTED,
    /** The opposite is shown at the family-wise level (for memory: the system needs at least as many bytes). */
    CONTRADICTED,
    /** Neither, or the comparison is not fair (unequal bytes, no positive gap). */
    INCONCLUSIVE,
    /** An arm is not in the grid, so the claim could not be evaluated. */
    NOT_RUN;

    /** {@code supported}, {@code not run}, as files and reports spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    public static ClaimVerdict parse(String text) {
        for (ClaimVerdict v : values()) {
            if (v.id().equals(text.strip())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown verdict '" + text + "'; expected supported, contradicted,"
                + " inconclusive or not run");
    }
}
