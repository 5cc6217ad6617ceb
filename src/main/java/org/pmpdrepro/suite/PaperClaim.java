package org.pmpdrepro.suite;

import java.util.Objects;

/**
 * What the paper says about a comparison's direction (system minus baseline; for every quality metric higher is better),
 * with the claim in words for the findings table.
 */
public record PaperClaim(Direction direction, String text) {

    /** The claimed sign of the difference. */
    public enum Direction {
        /** The system measures higher (better quality, or more memory). */
        HIGHER,
        /** The system measures lower. */
        LOWER,
        /** No loss that matters: shown only against a pre-registered margin ({@code golden/claims.csv}). */
        COMPARABLE,
        /** The paper claims nothing about this metric. */
        NONE
    }

    public PaperClaim {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(text, "text");
    }
}
