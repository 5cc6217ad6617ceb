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
        /** No meaningful difference: the 95% interval should contain 0. */
        COMPARABLE,
        /** The paper claims nothing about this metric. */
        NONE;

        /** Whether an observed difference with its interval agrees; {@code n/a} when there is no claim. */
        public String agreement(double observed, double ciLower, double ciUpper) {
            return switch (this) {
                case HIGHER -> observed > 0 ? "yes" : "no";
                case LOWER -> observed < 0 ? "yes" : "no";
                case COMPARABLE -> ciLower <= 0 && ciUpper >= 0 ? "yes" : "no";
                case NONE -> "n/a";
            };
        }
    }

    public PaperClaim {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(text, "text");
    }
}
