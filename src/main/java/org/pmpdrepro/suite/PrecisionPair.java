package org.pmpdrepro.suite;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two weight precisions a PMPD schedule moves between, written {@code high>low} as in "4>3": the high one
 * serves the prefill and the early decode steps, the low one the rest.
 */
public record PrecisionPair(int high, int low) {

    private static final Pattern FORM = Pattern.compile("(\\d{1,2})>(\\d{1,2})");

    public PrecisionPair {
        if (low < 1 || high > 16 || high <= low) {
            throw new IllegalArgumentException("precision pair " + high + ">" + low
                    + ": expected 16 >= high > low >= 1 bits");
        }
    }

    /** Parses {@code "4>3"}; anything else is an error showing the expected form. */
    public static PrecisionPair parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("precision pair '" + text + "': expected HIGH>LOW bits, e.g. 4>3");
        }
        return new PrecisionPair(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    @Override
    public String toString() {
        return high + ">" + low;
    }
}
