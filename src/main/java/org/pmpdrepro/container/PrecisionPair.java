package org.pmpdrepro.container;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pmpdrepro.decode.Precision;

/**
 * The two weight precisions a cell switches between, written {@code "HIGH-LOW"} in a job specification
 * ({@code "4-3"}: 4-bit high, 3-bit low), as the paper names its pairs.
 */
public record PrecisionPair(int high, int low) {

    private static final Pattern TEXT = Pattern.compile("(\\d{1,2})-(\\d{1,2})");

    public PrecisionPair {
        if (low < 1 || high > 16 || high <= low) {
            throw new IllegalArgumentException("precision pair " + high + "-" + low
                    + ": expected HIGH-LOW with 16 >= HIGH > LOW >= 1");
        }
    }

    /** Parses {@code "HIGH-LOW"}; the message says what was expected. */
    public static PrecisionPair parse(String text) {
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "': expected HIGH-LOW bit-widths such as \"4-3\"");
        }
        return new PrecisionPair(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public Precision highPrecision() {
        return Precision.bits(high);
    }

    public Precision lowPrecision() {
        return Precision.bits(low);
    }

    @Override
    public String toString() {
        return high + "-" + low;
    }
}
