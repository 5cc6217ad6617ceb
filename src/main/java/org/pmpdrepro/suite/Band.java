package org.pmpdrepro.suite;

import java.util.Locale;

/**
 * A tolerance band around an expected value: {@code |actual - expected| <= absolute + relative * |expected|}
 * (the absolute and relative parts add, as {@code numpy.isclose} does).
 */
public record Band(double expected, double absolute, double relative) {

    public Band {
        if (!Double.isFinite(expected)) {
            throw new IllegalArgumentException("band around " + expected + ": expected a finite value");
        }
        if (!(absolute >= 0) || !(relative >= 0) || Double.isInfinite(absolute) || Double.isInfinite(relative)) {
            throw new IllegalArgumentException("band tolerances abs " + absolute + ", rel " + relative
                    + ": expected finite, non-negative numbers");
        }
    }

    public double halfWidth() {
        return absolute + relative * Math.abs(expected);
    }

    public double lower() {
        return expected - halfWidth();
    }

    public double upper() {
        return expected + halfWidth();
    }

    public boolean contains(double actual) {
        return Double.isFinite(actual) && Math.abs(actual - expected) <= halfWidth();
    }

    /** Whether the two bands share no value: a result inside one cannot be inside the other. */
    public boolean separatedFrom(Band other) {
        return upper() < other.lower() || other.upper() < lower();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.6g ± %.3g [%.6g, %.6g] (abs %.3g, rel %.3g)", expected, halfWidth(),
                lower(), upper(), absolute, relative);
    }
}
